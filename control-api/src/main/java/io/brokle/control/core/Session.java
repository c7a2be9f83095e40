package io.brokle.control.core;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A login session: revocable, with an absolute end. Only the SHA-256 of its refresh secret is
 * kept ({@code secretHash}); the secret itself was shown once.
 */
public record Session(UUID id, UUID userId, String secretHash, Instant createdAt, Instant expiresAt,
                      Instant revokedAt) {
    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(secretHash, "secretHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Whether the session can still issue and back access tokens at {@code now}. */
    public boolean liveAt(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "Session[id=" + id + ", userId=" + userId + ", expiresAt=" + expiresAt + ", revokedAt=" + revokedAt + "]";
    }
}
