package io.brokle.control.service;

import io.brokle.control.api.ApiException;
import io.brokle.control.api.Views.Me;
import io.brokle.control.api.Views.OrganizationView;
import io.brokle.control.api.Views.Tokens;
import io.brokle.control.api.Views.UserView;
import io.brokle.control.audit.AuditChange;
import io.brokle.control.audit.AuditChange.Actor;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.AccessTokens;
import io.brokle.control.auth.LoginThrottle;
import io.brokle.control.auth.PasswordHasher;
import io.brokle.control.auth.Secrets;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.core.Membership;
import io.brokle.control.core.Session;
import io.brokle.control.core.User;
import io.brokle.control.db.Constraints;
import io.brokle.control.db.MembershipDao;
import io.brokle.control.db.OrganizationDao;
import io.brokle.control.db.SessionDao;
import io.brokle.control.db.UserDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Accounts and sessions: sign-up, login (with brute-force protection), refresh, logout and the
 * current user. Passwords and secrets only pass through: the database holds their hashes.
 */
public final class AccountService {
    /** Refresh secrets start with this, so a leaked one is recognisable (e.g. by secret scanners). */
    public static final String REFRESH_PREFIX = "brs_";

    private final Jdbi jdbi;
    private final PasswordHasher hasher;
    private final AccessTokens tokens;
    private final Secrets secrets;
    private final LoginThrottle throttle;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration sessionTtl;

    public AccountService(Jdbi jdbi, PasswordHasher hasher, AccessTokens tokens, Secrets secrets, LoginThrottle throttle,
                          AuditLog audit, Clock clock, Duration sessionTtl) {
        this.jdbi = jdbi;
        this.hasher = hasher;
        this.tokens = tokens;
        this.secrets = secrets;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
        this.sessionTtl = sessionTtl;
    }

    /** A new account; 409 when the email is taken. Arguments are validated by the caller. */
    public UserView signup(String email, String password) {
        User user = User.create(email, hasher.hash(password), clock.instant());
        try {
            jdbi.useTransaction(h -> {
                h.attach(UserDao.class).insert(user);
                audit.record(h, AuditChange.by(new Actor(user.id(), user.email()), "user.create", "user", user.id())
                        .after(UserView.of(user)));
            });
        } catch (UnableToExecuteStatementException e) {
            if (Constraints.isUniqueViolation(e, "users_email_unique")) {
                throw ApiException.conflict("email", "email: an account with this email exists");
            }
            throw e;
        }
        return UserView.of(user);
    }

    /**
     * A new session for the right email and password. 429 while the account or the address is
     * locked out; 401 for a wrong pair, the same answer and about the same time whether or not the
     * account exists.
     */
    public Tokens login(String email, String password, String address) {
        Optional<Duration> wait = throttle.retryAfter(email, address);
        if (wait.isPresent()) {
            throw ApiException.tooManyRequests("too many failed logins for this account or from this address; "
                    + "try again in " + Math.max(1, (wait.get().toMillis() + 999) / 1000) + " s", wait.get());
        }
        UserDao users = jdbi.onDemand(UserDao.class);
        Optional<User> user = users.findByEmail(email);
        boolean ok = user.isPresent() ? hasher.verify(password, user.get().passwordHash()) : hasher.verifyDummy(password);
        if (!ok) {
            throttle.failed(email, address);
            throw ApiException.unauthorized("incorrect email or password");
        }
        throttle.succeeded(email);
        User u = user.get();
        if (hasher.needsRehash(u.passwordHash())) {
            users.updatePasswordHash(u.id(), hasher.hash(password));
        }
        String secret = secrets.newSecret(REFRESH_PREFIX);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Session session = new Session(UUID.randomUUID(), u.id(), Secrets.sha256(secret), now, now.plus(sessionTtl),
                null);
        jdbi.useTransaction(h -> {
            h.attach(SessionDao.class).insert(session);
            audit.record(h, AuditChange.by(new Actor(u.id(), u.email()), "session.create", "session", session.id())
                    .after(Map.of("id", session.id(), "user_id", u.id(), "expires_at", session.expiresAt())));
        });
        return tokens(session, secret);
    }

    /**
     * New tokens for a live session's refresh secret; the secret is replaced, so each works once.
     * 401 for an unknown, used, revoked or expired one.
     */
    public Tokens refresh(String refreshSecret) {
        String hash = Secrets.sha256(refreshSecret);
        Instant now = clock.instant();
        SessionDao sessions = jdbi.onDemand(SessionDao.class);
        Session session = sessions.findBySecretHash(hash).filter(s -> s.liveAt(now))
                .orElseThrow(() -> ApiException.unauthorized("refresh_token: unknown, used, revoked or expired"));
        String next = secrets.newSecret(REFRESH_PREFIX);
        if (sessions.rotateSecret(session.id(), hash, Secrets.sha256(next), now) != 1) {
            throw ApiException.unauthorized("refresh_token: unknown, used, revoked or expired");
        }
        return tokens(session, next);
    }

    /** Revokes the caller's session: its access tokens stop working on the next request. */
    public void logout(UserPrincipal caller) {
        jdbi.useTransaction(h -> {
            if (h.attach(SessionDao.class).revoke(caller.sessionId(), clock.instant()) == 1) {
                audit.record(h, AuditChange.by(Actor.user(caller), "session.revoke", "session", caller.sessionId()));
            }
        });
    }

    /** The caller and its organizations, by slug. */
    public Me me(UserPrincipal caller) {
        return jdbi.withHandle(h -> {
            User user = h.attach(UserDao.class).findById(caller.userId())
                    .orElseThrow(() -> ApiException.unauthorized("the account is gone"));
            OrganizationDao organizations = h.attach(OrganizationDao.class);
            List<OrganizationView> mine = h.attach(MembershipDao.class).listByUser(caller.userId()).stream()
                    .map((Membership m) -> OrganizationView.of(organizations.findById(m.organizationId()).orElseThrow(),
                            m.role()))
                    .sorted(Comparator.comparing(OrganizationView::slug))
                    .toList();
            return new Me(user.id(), user.email(), user.createdAt(), caller.sessionId(), mine);
        });
    }

    private Tokens tokens(Session session, String refreshSecret) {
        return new Tokens(tokens.issue(session.userId(), session.id()), "Bearer", tokens.ttl().toSeconds(),
                refreshSecret, session.id(), session.expiresAt());
    }
}
