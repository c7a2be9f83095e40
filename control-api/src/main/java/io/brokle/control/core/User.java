package io.brokle.control.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * A person who logs in to the management API.
 *
 * @param email        lower-cased, unique (see {@link Emails})
 * @param passwordHash an encoded Argon2id hash ({@code io.brokle.control.auth.PasswordHasher});
 *                     left out of {@link #toString}
 */
public record User(UUID id, String email, String passwordHash, Instant createdAt) {
    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new user with a fresh id, created {@code now}. */
    public static User create(String email, String passwordHash, Instant now) {
        return new User(UUID.randomUUID(), email, passwordHash, now.truncatedTo(ChronoUnit.MICROS));
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", email=" + email + ", createdAt=" + createdAt + "]";
    }
}
