package io.brokle.proxy.route;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter between attempts at the same deployment:
 * {@code initial * 2^(n-1)}, capped, then scaled by a random factor in {@code [1 - jitter, 1 + jitter]}.
 * The random source is injected.
 */
public final class Backoff {
    public static final Duration DEFAULT_INITIAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(2);
    public static final double DEFAULT_JITTER = 0.2;

    private final long initialNanos;
    private final long maxNanos;
    private final double jitter;
    private final DoubleSupplier random;

    public Backoff(Duration initial, Duration max, double jitter, DoubleSupplier random) {
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter: " + jitter + " (expected: >= 0.0 and <= 1.0)");
        }
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.jitter = jitter;
        this.random = random;
    }

    /** The wait before retry number {@code n} (1 for the first retry). */
    public long delayNanos(int n) {
        long base = initialNanos << Math.min(Math.max(0, n - 1), 20);
        long capped = Math.min(maxNanos, base < 0 ? maxNanos : base);
        double factor = 1 - jitter + 2 * jitter * random.getAsDouble();
        return (long) (capped * factor);
    }
}
