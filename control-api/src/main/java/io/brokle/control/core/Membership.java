package io.brokle.control.core;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** A user's role in an organization; {@code email} is the user's, joined in for display. */
public record Membership(UUID userId, UUID organizationId, String email, Role role, Instant createdAt) {
    public Membership {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
