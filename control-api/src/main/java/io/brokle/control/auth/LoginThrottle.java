package io.brokle.control.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Brute-force protection for login, per account and per client address. Each key may fail
 * {@code freeFailures} times in a row; every failure after that locks the key for
 * {@code baseLockout * 2^(extra failures - 1)}, capped at {@code maxLockout}. A success clears the
 * account's count (not the address's: one's own account must not reset an attacker's address).
 * A key with no failure for {@code forgetAfter} starts over.
 *
 * <p>State is in memory on each node, bounded in size: a restart or another node starts afresh,
 * which bounds an attacker's rate rather than stopping them; unknown emails are counted like
 * known ones, so the lockout reveals nothing about which accounts exist.
 */
public final class LoginThrottle {
    /** The rules; addresses usually get more free failures than accounts (shared NATs). */
    public record Policy(int accountFreeFailures, int addressFreeFailures, Duration baseLockout,
                         Duration maxLockout, Duration forgetAfter) {
        public static final Policy DEFAULT = new Policy(5, 20, Duration.ofSeconds(1), Duration.ofMinutes(15),
                Duration.ofHours(1));
    }

    private record State(int failures, Instant lockedUntil) {
    }

    private final Policy policy;
    private final Clock clock;
    private final Cache<String, State> states;

    public LoginThrottle(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        this.states = Caffeine.newBuilder()
                .ticker(() -> clock.millis() * 1_000_000L)
                .expireAfterWrite(policy.forgetAfter())
                .maximumSize(100_000)
                .build();
    }

    /** How long the caller must wait before trying this account from this address; empty when it may try now. */
    public Optional<Duration> retryAfter(String account, String address) {
        Instant now = clock.instant();
        Instant until = later(lockedUntil("account:" + account), lockedUntil("address:" + address));
        return until != null && until.isAfter(now) ? Optional.of(Duration.between(now, until)) : Optional.empty();
    }

    /** Counts a failed login against the account and the address. */
    public void failed(String account, String address) {
        fail("account:" + account, policy.accountFreeFailures());
        fail("address:" + address, policy.addressFreeFailures());
    }

    /** Clears the account's failures after a successful login. */
    public void succeeded(String account) {
        states.invalidate("account:" + account);
    }

    private Instant lockedUntil(String key) {
        State state = states.getIfPresent(key);
        return state == null ? null : state.lockedUntil();
    }

    private void fail(String key, int freeFailures) {
        Instant now = clock.instant();
        states.asMap().compute(key, (k, old) -> {
            int failures = (old == null ? 0 : old.failures()) + 1;
            int extra = failures - freeFailures;
            if (extra <= 0) {
                return new State(failures, null);
            }
            Duration lock = policy.baseLockout().multipliedBy(1L << Math.min(extra - 1, 30));
            if (lock.compareTo(policy.maxLockout()) > 0) {
                lock = policy.maxLockout();
            }
            return new State(failures, now.plus(lock));
        });
    }

    private static Instant later(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
