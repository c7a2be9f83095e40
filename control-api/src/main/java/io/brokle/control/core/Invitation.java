package io.brokle.control.core;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An invitation to join an organization with a role. Only the SHA-256 of its token is kept.
 *
 * @param invitedBy the user who invited; null once that user is deleted
 */
public record Invitation(UUID id, UUID organizationId, String email, Role role, String tokenHash, UUID invitedBy,
                         Instant createdAt, Instant expiresAt, Instant acceptedAt, Instant revokedAt) {
    public Invitation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** {@code pending}, {@code accepted}, {@code revoked} or {@code expired} at {@code now}. */
    public String stateAt(Instant now) {
        if (acceptedAt != null) {
            return "accepted";
        }
        if (revokedAt != null) {
            return "revoked";
        }
        return now.isBefore(expiresAt) ? "pending" : "expired";
    }

    @Override
    public String toString() {
        return "Invitation[id=" + id + ", organizationId=" + organizationId + ", email=" + email + ", role=" + role
                + ", expiresAt=" + expiresAt + "]";
    }
}
