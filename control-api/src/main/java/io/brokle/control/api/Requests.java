package io.brokle.control.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The request bodies of the management API (snake_case JSON; an unknown field is a 400, so a
 * typo is not silently ignored). Each is checked by
 * {@link Validation} before anything is written; secrets are left out of {@code toString}.
 */
public final class Requests {
    private Requests() {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Signup(String email, String password) implements StrictRequest {
        @Override
        public String toString() {
            return "Signup[email=" + email + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Login(String email, String password) implements StrictRequest {
        @Override
        public String toString() {
            return "Login[email=" + email + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Refresh(String refreshToken) implements StrictRequest {
        @Override
        public String toString() {
            return "Refresh[]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateOrganization(String slug, String name) implements StrictRequest {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateProject(String slug, String name) implements StrictRequest {
    }

    /** Renames an organization or a project; slugs never change. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Rename(String name) implements StrictRequest {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateEnvironment(String name) implements StrictRequest {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ChangeRole(String role) implements StrictRequest {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateInvitation(String email, String role) implements StrictRequest {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record AcceptInvitation(String token) implements StrictRequest {
        @Override
        public String toString() {
            return "AcceptInvitation[]";
        }
    }
}
