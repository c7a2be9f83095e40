package io.brokle.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Exponential growth, the cap and the jitter bounds, with the random source fixed. */
class BackoffTest {
    private static final Duration INITIAL = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(2);
    /** A random value of 0.5 makes the jitter factor exactly 1. */
    private static final DoubleSupplier MIDDLE = () -> 0.5;

    @Test
    void doublesFromTheInitialDelayWithEachRetry() {
        Backoff backoff = new Backoff(INITIAL, MAX, 0.2, MIDDLE);

        List<Long> millis = new ArrayList<>();
        for (int n = 1; n <= 5; n++) {
            millis.add(Duration.ofNanos(backoff.delayNanos(n)).toMillis());
        }

        assertEquals(List.of(100L, 200L, 400L, 800L, 1600L), millis);
    }

    @Test
    void neverExceedsTheCapHoweverManyRetries() {
        Backoff backoff = new Backoff(INITIAL, MAX, 0, MIDDLE);

        assertEquals(MAX.toNanos(), backoff.delayNanos(6), "100 ms * 2^5 = 3.2 s, capped");
        assertEquals(MAX.toNanos(), backoff.delayNanos(21));
        assertEquals(MAX.toNanos(), backoff.delayNanos(64), "no overflow of the shift into a short or negative wait");
        assertEquals(MAX.toNanos(), backoff.delayNanos(Integer.MAX_VALUE));
    }

    @Test
    void aRetryNumberBelowOneWaitsTheInitialDelay() {
        Backoff backoff = new Backoff(INITIAL, MAX, 0, MIDDLE);

        assertEquals(INITIAL.toNanos(), backoff.delayNanos(0));
        assertEquals(INITIAL.toNanos(), backoff.delayNanos(-3));
    }

    @Test
    void jitterStaysWithinItsBoundsAroundTheExponentialDelay() {
        SplittableRandom random = new SplittableRandom(7);
        Backoff backoff = new Backoff(INITIAL, MAX, 0.2, random::nextDouble);

        for (int n = 1; n <= 8; n++) {
            long base = Math.min(MAX.toNanos(), INITIAL.toNanos() << (n - 1));
            for (int i = 0; i < 1_000; i++) {
                long d = backoff.delayNanos(n);
                int retry = n;
                assertTrue(d >= (long) (base * 0.8) && d <= (long) (base * 1.2),
                        () -> "retry " + retry + ": " + d + " ns outside [0.8, 1.2] x " + base);
            }
        }
    }

    @Test
    void theExtremesOfTheRandomSourceGiveTheExtremesOfTheJitter() {
        long base = INITIAL.toNanos() * 4;

        assertEquals((long) (base * 0.8), new Backoff(INITIAL, MAX, 0.2, () -> 0.0).delayNanos(3));
        long top = new Backoff(INITIAL, MAX, 0.2, () -> Math.nextDown(1.0)).delayNanos(3);
        assertTrue(top <= (long) (base * 1.2) && top > (long) (base * 1.19), () -> "top of the jitter: " + top);
        assertEquals(MAX.toNanos() * 12 / 10, new Backoff(INITIAL, MAX, 0.2, () -> 1.0).delayNanos(30),
                "jitter applies after the cap: at most max * (1 + jitter)");
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        Backoff first = new Backoff(INITIAL, MAX, 0.5, new SplittableRandom(42)::nextDouble);
        Backoff second = new Backoff(INITIAL, MAX, 0.5, new SplittableRandom(42)::nextDouble);

        for (int n = 1; n <= 10; n++) {
            assertEquals(first.delayNanos(n), second.delayNanos(n));
        }
    }

    @Test
    void zeroJitterNeverAsksTheRandomSourceForAnythingThatMatters() {
        Backoff backoff = new Backoff(INITIAL, MAX, 0, () -> 0.999);

        assertEquals(INITIAL.toNanos() * 2, backoff.delayNanos(2));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.01, 1.01})
    void aJitterOutsideZeroToOneIsRejected(double jitter) {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(INITIAL, MAX, jitter, MIDDLE));
    }

    @Test
    void aNaNJitterIsRejectedRatherThanTurningEveryDelayIntoZero() {
        // NaN fails both "< 0" and "> 1"; accepted, it makes every delay (long) NaN = 0.
        assertThrows(IllegalArgumentException.class, () -> new Backoff(INITIAL, MAX, Double.NaN, MIDDLE));
    }
}
