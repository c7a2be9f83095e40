package io.brokle.control.auth;

import java.security.Principal;
import java.util.Objects;
import java.util.UUID;

/**
 * The caller of an authenticated management API request: a user, through one live session.
 * Resources take it with {@code @Auth UserPrincipal caller} and pass it to {@link Authorizer}.
 */
public record UserPrincipal(UUID userId, UUID sessionId, String email) implements Principal {
    public UserPrincipal {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(email, "email");
    }

    @Override
    public String getName() {
        return email;
    }
}
