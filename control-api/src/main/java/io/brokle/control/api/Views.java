package io.brokle.control.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Invitation;
import io.brokle.control.core.Membership;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Project;
import io.brokle.control.core.Role;
import io.brokle.control.core.User;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The response bodies of the management API (snake_case JSON, times in ISO-8601 UTC). */
public final class Views {
    private Views() {
    }

    /** A list answer, as OpenAI's: {@code {"object":"list","data":[...],"has_more":false}}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ListOf<T>(String object, List<T> data, boolean hasMore) {
        public static <T> ListOf<T> of(List<T> data) {
            return new ListOf<>("list", List.copyOf(data), false);
        }

        public static <T> ListOf<T> page(List<T> data, boolean hasMore) {
            return new ListOf<>("list", List.copyOf(data), hasMore);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record UserView(UUID id, String email, Instant createdAt) {
        public static UserView of(User u) {
            return new UserView(u.id(), u.email(), u.createdAt());
        }
    }

    /** {@code GET /api/v1/me}: the caller and the organizations it belongs to. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Me(UUID id, String email, Instant createdAt, UUID sessionId, List<OrganizationView> organizations) {
    }

    /**
     * The access token is short-lived; the refresh token is shown once and replaced on each
     * refresh. Both are secrets: {@code toString} leaves them out.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Tokens(String accessToken, String tokenType, long expiresIn, String refreshToken, UUID sessionId,
                         Instant sessionExpiresAt) {
        @Override
        public String toString() {
            return "Tokens[sessionId=" + sessionId + "]";
        }
    }

    /** An organization; {@code role} is the caller's in it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OrganizationView(UUID id, String slug, String name, Instant createdAt, Role role) {
        public static OrganizationView of(Organization o, Role role) {
            return new OrganizationView(o.id(), o.slug(), o.name(), o.createdAt(), role);
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ProjectView(UUID id, UUID organizationId, String slug, String name, Instant createdAt) {
        public static ProjectView of(Project p) {
            return new ProjectView(p.id(), p.organizationId(), p.slug(), p.name(), p.createdAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EnvironmentView(UUID id, UUID projectId, String name, Instant createdAt) {
        public static EnvironmentView of(Environment e) {
            return new EnvironmentView(e.id(), e.projectId(), e.name(), e.createdAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MemberView(UUID userId, String email, Role role, Instant createdAt) {
        public static MemberView of(Membership m) {
            return new MemberView(m.userId(), m.email(), m.role(), m.createdAt());
        }
    }

    /** An invitation; {@code token} only in the answer that created it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record InvitationView(UUID id, UUID organizationId, String email, Role role, String state,
                                 Instant createdAt, Instant expiresAt,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String token) {
        public static InvitationView of(Invitation i, Instant now, String token) {
            return new InvitationView(i.id(), i.organizationId(), i.email(), i.role(), i.stateAt(now), i.createdAt(),
                    i.expiresAt(), token);
        }

        @Override
        public String toString() {
            return "InvitationView[id=" + id + ", email=" + email + ", role=" + role + "]";
        }
    }

    /** One audit log row; {@code before} and {@code after} are JSON with secrets redacted. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AuditEntryView(UUID id, Instant at, UUID actorId, String actor, String action, String target,
                                 String targetType, UUID organizationId, UUID projectId, UUID environmentId,
                                 JsonNode before, JsonNode after) {
    }
}
