package io.brokle.control.auth;

import io.brokle.control.db.SessionDao;
import io.dropwizard.auth.Authenticator;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Turns a bearer access token into a {@link UserPrincipal}: the token must be well signed and
 * unexpired ({@link AccessTokens}), and its session live in the database. The session check is
 * one primary-key lookup per request, so a logout or revocation ends every access token of the
 * session on the very next request, on every node.
 */
public final class TokenAuthenticator implements Authenticator<String, UserPrincipal> {
    private final AccessTokens tokens;
    private final SessionDao sessions;
    private final Clock clock;

    public TokenAuthenticator(AccessTokens tokens, Jdbi jdbi, Clock clock) {
        this.tokens = tokens;
        this.sessions = jdbi.onDemand(SessionDao.class);
        this.clock = clock;
    }

    @Override
    public Optional<UserPrincipal> authenticate(String token) {
        return tokens.verify(token).flatMap(claims ->
                sessions.liveSessionEmail(claims.sessionId(), claims.userId(), clock.instant())
                        .map(email -> new UserPrincipal(claims.userId(), claims.sessionId(), email)));
    }
}
