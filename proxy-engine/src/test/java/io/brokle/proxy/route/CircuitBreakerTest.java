package io.brokle.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's state machine, driven by a fake clock: nothing here waits for time to pass. */
class CircuitBreakerTest {
    private static final int THRESHOLD = 3;
    private static final Duration OPEN_FOR = Duration.ofSeconds(10);

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final CircuitBreaker breaker = new CircuitBreaker(THRESHOLD, OPEN_FOR, now::get);

    @Test
    void staysClosedWhileConsecutiveFailuresAreBelowTheThreshold() {
        fail(THRESHOLD - 1);

        assertEquals("closed", breaker.stateName());
        assertTrue(breaker.wouldAdmit());
        assertTrue(breaker.tryAcquire());
        assertTrue(breaker.tryAcquire(), "a closed breaker admits everyone, not only one caller");
    }

    @Test
    void opensAtTheThresholdAndRefusesEveryRequest() {
        fail(THRESHOLD);

        assertEquals("open", breaker.stateName());
        assertFalse(breaker.wouldAdmit());
        assertFalse(breaker.tryAcquire());
        assertFalse(breaker.tryAcquire());
    }

    @Test
    void aSuccessResetsTheCountOfConsecutiveFailures() {
        fail(THRESHOLD - 1);
        breaker.onSuccess();
        fail(THRESHOLD - 1);

        assertEquals("closed", breaker.stateName(), "failures must be consecutive to open the breaker");
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void opensWhenHalfOfTheRecentAnswersFailedEvenIfNeverConsecutively() {
        for (int i = 0; i < CircuitBreaker.RATE_MIN_CALLS / 2 - 1; i++) {
            breaker.onFailure();
            breaker.onSuccess();
        }
        breaker.onFailure();
        assertEquals("closed", breaker.stateName(), "9 answers are too few to judge a rate");

        breaker.onSuccess();
        assertEquals("closed", breaker.stateName(), "the rate is judged when a failure is reported");
        breaker.onFailure();

        assertEquals("open", breaker.stateName(), "6 failures in 11 answers: a provider failing every other request");
        assertFalse(breaker.tryAcquire());
    }

    @Test
    void staysClosedBelowTheFailureRateAndForgetsAnswersOlderThanTheWindow() {
        // 4 failures in 10 answers (40%), never 3 in a row.
        for (int i = 0; i < 2; i++) {
            breaker.onFailure();
            breaker.onFailure();
            breaker.onSuccess();
            breaker.onSuccess();
            breaker.onSuccess();
        }
        assertEquals("closed", breaker.stateName());

        // Twenty successes push every failure out of the window...
        for (int i = 0; i < CircuitBreaker.RATE_WINDOW; i++) {
            breaker.onSuccess();
        }
        // ...so 2 failures in a row now make 2 in the latest 20 answers.
        breaker.onFailure();
        breaker.onFailure();
        assertEquals("closed", breaker.stateName(), "old failures must not count towards the rate");
    }

    @Test
    void refusesUntilTheCoolDownHasPassedExactly() {
        fail(THRESHOLD);

        now.addAndGet(OPEN_FOR.toNanos() - 1);
        assertFalse(breaker.wouldAdmit(), "one nanosecond before the end of the cool-down");
        assertFalse(breaker.tryAcquire());
        assertEquals("open", breaker.stateName());

        now.addAndGet(1);
        assertEquals("half-open", breaker.stateName(), "the cool-down is over");
        assertTrue(breaker.wouldAdmit());
    }

    @Test
    void failuresReportedWhileOpenDoNotExtendTheCoolDown() {
        fail(THRESHOLD);
        now.addAndGet(OPEN_FOR.toNanos() / 2);

        // Late answers of requests admitted before the breaker opened.
        fail(THRESHOLD);

        now.addAndGet(OPEN_FOR.toNanos() - OPEN_FOR.toNanos() / 2);
        assertTrue(breaker.tryAcquire(), "the cool-down counts from when the breaker opened");
    }

    @Test
    void halfOpenAdmitsExactlyOneProbe() {
        openAndWaitOut();

        assertTrue(breaker.tryAcquire(), "the probe");
        assertFalse(breaker.tryAcquire(), "a second caller while the probe is out");
        assertFalse(breaker.tryAcquire());
        assertFalse(breaker.wouldAdmit(), "wouldAdmit must not promise a slot the probe holds");
        assertEquals("half-open", breaker.stateName());
    }

    @Test
    void wouldAdmitDoesNotTakeTheProbeSlot() {
        openAndWaitOut();

        assertTrue(breaker.wouldAdmit());
        assertTrue(breaker.wouldAdmit());
        assertTrue(breaker.tryAcquire(), "asking wouldAdmit left the probe for the first tryAcquire");
    }

    @Test
    void concurrentCallersAfterTheCoolDownGetExactlyOneProbe() throws Exception {
        openAndWaitOut();
        int callers = 8;
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Boolean>> admitted = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                admitted.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return breaker.tryAcquire();
                }));
            }
            assertTrue(ready.await(5, TimeUnit.SECONDS));
            go.countDown();
            int probes = 0;
            for (Future<Boolean> f : admitted) {
                probes += f.get(5, TimeUnit.SECONDS) ? 1 : 0;
            }

            assertEquals(1, probes, "callers racing for the half-open slot");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSuccessfulProbeClosesTheBreaker() {
        openAndWaitOut();
        assertTrue(breaker.tryAcquire());

        breaker.onSuccess();

        assertEquals("closed", breaker.stateName());
        assertTrue(breaker.tryAcquire());
        assertTrue(breaker.tryAcquire());
        fail(THRESHOLD - 1);
        assertEquals("closed", breaker.stateName(), "closing starts a fresh count of failures");
    }

    @Test
    void aFailedProbeReopensForAFullCoolDown() {
        openAndWaitOut();
        assertTrue(breaker.tryAcquire());

        breaker.onFailure();

        assertEquals("open", breaker.stateName(), "one failed probe is enough, not another threshold's worth");
        assertFalse(breaker.tryAcquire());
        now.addAndGet(OPEN_FOR.toNanos() - 1);
        assertFalse(breaker.tryAcquire(), "the new cool-down counts from the failed probe");
        now.addAndGet(1);
        assertTrue(breaker.tryAcquire(), "the next probe");
    }

    @Test
    void aCancelledProbeLetsTheNextCallerProbeAtOnce() {
        openAndWaitOut();
        assertTrue(breaker.tryAcquire());
        assertFalse(breaker.tryAcquire());

        breaker.onCancelled();

        assertTrue(breaker.wouldAdmit(), "no time needs to pass");
        assertTrue(breaker.tryAcquire(), "the next caller takes over the probe");
        assertFalse(breaker.tryAcquire(), "and holds it alone");
    }

    @Test
    void aCancellationWhileClosedOrOpenChangesNothing() {
        fail(THRESHOLD - 1);
        breaker.onCancelled();
        breaker.onFailure();
        assertEquals("open", breaker.stateName(), "a cancellation does not reset the count of failures");

        breaker.onCancelled();
        assertFalse(breaker.tryAcquire(), "a cancellation does not cut the cool-down short");
        now.addAndGet(OPEN_FOR.toNanos());
        assertTrue(breaker.tryAcquire());
    }

    @Test
    void worksWhenTheNanoClockWrapsAround() {
        now.set(Long.MAX_VALUE - OPEN_FOR.toNanos() / 2);
        fail(THRESHOLD);

        now.addAndGet(OPEN_FOR.toNanos() / 4);
        assertFalse(breaker.tryAcquire(), "still cooling down");
        now.addAndGet(OPEN_FOR.toNanos()); // overflows past Long.MAX_VALUE, as System.nanoTime() may
        assertTrue(breaker.tryAcquire(), "the cool-down is over on the other side of the wrap");
    }

    @Test
    void aThresholdBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker(0, OPEN_FOR, now::get));
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            breaker.onFailure();
        }
    }

    private void openAndWaitOut() {
        fail(THRESHOLD);
        now.addAndGet(OPEN_FOR.toNanos());
    }
}
