package io.brokle.control.audit;

import io.brokle.control.auth.UserPrincipal;
import java.util.Objects;
import java.util.UUID;

/**
 * One change for the {@link AuditLog}: who ({@link Actor}), what ({@code action}, e.g.
 * {@code project.create}), on what ({@code targetType}:{@code targetId}), where (organization,
 * project, environment; each may be null), and the value before and after (null for none).
 */
public record AuditChange(Actor actor, String action, String targetType, Object targetId, UUID organizationId,
                          UUID projectId, UUID environmentId, Object before, Object after) {
    public AuditChange {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(targetType, "targetType");
        Objects.requireNonNull(targetId, "targetId");
    }

    public static AuditChange by(Actor actor, String action, String targetType, Object targetId) {
        return new AuditChange(actor, action, targetType, targetId, null, null, null, null, null);
    }

    /** The tenant scope of the change. */
    public AuditChange in(UUID organizationId, UUID projectId, UUID environmentId) {
        return new AuditChange(actor, action, targetType, targetId, organizationId, projectId, environmentId, before,
                after);
    }

    public AuditChange before(Object value) {
        return new AuditChange(actor, action, targetType, targetId, organizationId, projectId, environmentId, value,
                after);
    }

    public AuditChange after(Object value) {
        return new AuditChange(actor, action, targetType, targetId, organizationId, projectId, environmentId, before,
                value);
    }

    /** Who made a change: a user (id and email), or a named non-user such as {@code system}. */
    public record Actor(UUID userId, String name) {
        public static final Actor SYSTEM = new Actor(null, "system");

        public Actor {
            Objects.requireNonNull(name, "name");
        }

        public static Actor user(UserPrincipal principal) {
            return new Actor(principal.userId(), principal.email());
        }
    }
}
