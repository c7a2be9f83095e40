package io.brokle.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Cool-downs, retry budgets, latency average and in-flight counts per deployment, on a fake clock. */
class DeploymentHealthTest {
    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final DeploymentHealth health = new DeploymentHealth(now::get, 2, Duration.ofSeconds(30));

    @Test
    void aDeploymentNeverToldToWaitMayBeCalled() {
        assertEquals(0, health.coolingDownNanos("a"));
    }

    @Test
    void retryAfterKeepsTheDeploymentCoolingUntilItPasses() {
        health.coolDown("a", Duration.ofSeconds(2));

        assertEquals(Duration.ofSeconds(2).toNanos(), health.coolingDownNanos("a"));
        now.addAndGet(Duration.ofMillis(1_500).toNanos());
        assertEquals(Duration.ofMillis(500).toNanos(), health.coolingDownNanos("a"), "the wait left shrinks with time");
        now.addAndGet(Duration.ofMillis(500).toNanos() - 1);
        assertEquals(1, health.coolingDownNanos("a"));
        now.addAndGet(1);
        assertEquals(0, health.coolingDownNanos("a"), "callable again once Retry-After has passed");
        assertEquals(0, health.coolingDownNanos("b"), "other deployments were never cooling");
    }

    @Test
    void aShorterRetryAfterDoesNotCutALongerOneShort() {
        health.coolDown("a", Duration.ofSeconds(5));
        health.coolDown("a", Duration.ofSeconds(1));

        assertEquals(Duration.ofSeconds(5).toNanos(), health.coolingDownNanos("a"));
    }

    @Test
    void aShorterRetryAfterDoesNotCutALongerOneShortWhenTheNanoClockWraps() {
        // System.nanoTime() has an arbitrary origin and may wrap; CircuitBreaker already compares
        // by subtraction, so the cool-down must too.
        now.set(Long.MAX_VALUE - Duration.ofSeconds(1).toNanos());
        health.coolDown("a", Duration.ofSeconds(5));
        health.coolDown("a", Duration.ofMillis(500));

        assertEquals(Duration.ofSeconds(5).toNanos(), health.coolingDownNanos("a"));
    }

    @Test
    void aLaterLongerRetryAfterExtendsTheCoolDown() {
        health.coolDown("a", Duration.ofSeconds(1));
        now.addAndGet(Duration.ofMillis(500).toNanos());
        health.coolDown("a", Duration.ofSeconds(3));

        assertEquals(Duration.ofSeconds(3).toNanos(), health.coolingDownNanos("a"));
    }

    @Test
    void aZeroRetryAfterDoesNotCoolDown() {
        health.coolDown("a", Duration.ZERO);

        assertEquals(0, health.coolingDownNanos("a"));
    }

    @Test
    void theRetryBudgetAllowsABurstThenRefuses() {
        int burst = (int) DeploymentHealth.RETRY_BUDGET_BURST;
        for (int i = 0; i < burst; i++) {
            assertTrue(health.trySpendRetry("a"), "retry " + (i + 1) + " of the burst");
        }

        assertFalse(health.trySpendRetry("a"), "the burst is spent");
        assertTrue(health.trySpendRetry("b"), "budgets are per deployment");
    }

    @Test
    void eachRequestEarnsAFractionOfARetry() {
        spendAll("a");
        int requestsPerRetry = (int) Math.round(1 / DeploymentHealth.RETRY_BUDGET_RATIO);

        for (int i = 0; i < requestsPerRetry - 1; i++) {
            health.earnRetry("a");
        }
        assertFalse(health.trySpendRetry("a"), (requestsPerRetry - 1) + " requests do not earn a whole retry");
        health.earnRetry("a");
        assertTrue(health.trySpendRetry("a"), requestsPerRetry + " requests earn one retry");
        assertFalse(health.trySpendRetry("a"));
    }

    @Test
    void earningStopsAtTheBurst() {
        for (int i = 0; i < 1_000; i++) {
            health.earnRetry("a");
        }

        int spent = 0;
        while (health.trySpendRetry("a")) {
            spent++;
        }
        assertEquals((int) DeploymentHealth.RETRY_BUDGET_BURST, spent);
    }

    @Test
    void latencyIsUnknownBeforeTheFirstSample() {
        assertEquals(-1, health.latencyNanos("a"));
    }

    @Test
    void latencyIsADecayingAverageWeightedTowardsTheNewestSample() {
        health.recordLatency("a", 100_000_000L);
        assertEquals(100_000_000L, health.latencyNanos("a"), "the first sample is the average");

        health.recordLatency("a", 200_000_000L);
        assertEquals(120_000_000L, health.latencyNanos("a"), 1, "0.2 * 200 ms + 0.8 * 100 ms");

        for (int i = 0; i < 100; i++) {
            health.recordLatency("a", 200_000_000L);
        }
        assertEquals(200_000_000L, health.latencyNanos("a"), 1_000, "converges to a steady latency");
        assertEquals(-1, health.latencyNanos("b"));
    }

    @Test
    void inFlightCountsStartedMinusFinished() {
        health.started("a");
        health.started("a");
        health.started("b");
        health.finished("a");

        assertEquals(1, health.inFlight("a"));
        assertEquals(1, health.inFlight("b"));
        assertEquals(0, health.inFlight("c"));
    }

    @Test
    void eachDeploymentHasItsOwnBreakerOnTheSameClock() {
        assertSame(health.breaker("a"), health.breaker("a"));
        assertNotSame(health.breaker("a"), health.breaker("b"));

        health.breaker("a").onFailure();
        health.breaker("a").onFailure();

        assertEquals("open", health.breaker("a").stateName(), "the configured threshold is 2");
        assertEquals("closed", health.breaker("b").stateName());
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertEquals("half-open", health.breaker("a").stateName(), "the breaker reads the health's clock");
    }

    private void spendAll(String deployment) {
        while (health.trySpendRetry(deployment)) {
            // drain the initial burst
        }
    }
}
