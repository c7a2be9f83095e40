package io.brokle.proxy.route;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the gateway has learned about each deployment, shared by all event loops: its circuit
 * breaker, a {@code Retry-After} cool-down, a decaying average of time to first byte, requests
 * in flight, and a retry budget (each request earns {@link #RETRY_BUDGET_RATIO} of a retry, up to
 * {@link #RETRY_BUDGET_BURST}; a retry spends one), so that retries cannot multiply an outage.
 * Keyed by deployment name; a deployment removed from the configuration simply stops being asked.
 */
public final class DeploymentHealth {
    public static final double RETRY_BUDGET_RATIO = 0.2;
    public static final double RETRY_BUDGET_BURST = 10;
    /** Weight of the newest sample in the latency average. */
    static final double LATENCY_ALPHA = 0.2;

    private final LongSupplier nanoClock;
    private final int failureThreshold;
    private final Duration openFor;
    private final Map<String, Stats> stats = new ConcurrentHashMap<>();

    public DeploymentHealth(LongSupplier nanoClock) {
        this(nanoClock, CircuitBreaker.DEFAULT_FAILURE_THRESHOLD, CircuitBreaker.DEFAULT_OPEN_FOR);
    }

    public DeploymentHealth(LongSupplier nanoClock, int failureThreshold, Duration openFor) {
        this.nanoClock = nanoClock;
        this.failureThreshold = failureThreshold;
        this.openFor = openFor;
    }

    private final class Stats {
        final CircuitBreaker breaker = new CircuitBreaker(failureThreshold, openFor, nanoClock);
        final AtomicLong coolUntil = new AtomicLong(Long.MIN_VALUE);
        final AtomicLong latencyEwmaNanos = new AtomicLong(-1);
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong retryBudgetMillis = new AtomicLong((long) (RETRY_BUDGET_BURST * 1000));
    }

    private Stats of(String deployment) {
        // A plain read first: computeIfAbsent's lambda would capture this and be allocated on every call.
        Stats s = stats.get(deployment);
        return s != null ? s : stats.computeIfAbsent(deployment, d -> new Stats());
    }

    public CircuitBreaker breaker(String deployment) {
        return of(deployment).breaker;
    }

    /** Nanoseconds until the deployment's {@code Retry-After} passes; 0 when it may be called. */
    public long coolingDownNanos(String deployment) {
        long until = of(deployment).coolUntil.get();
        long left = until - nanoClock.getAsLong();
        return until == Long.MIN_VALUE || left <= 0 ? 0 : left;
    }

    /** The provider said to come back after {@code wait}: no request goes there before. */
    public void coolDown(String deployment, Duration wait) {
        long until = nanoClock.getAsLong() + wait.toNanos();
        // Compared by difference, as nanoTime values must be, so a wrapping clock cannot shorten a wait.
        of(deployment).coolUntil.accumulateAndGet(until, (a, b) -> a == Long.MIN_VALUE || b - a > 0 ? b : a);
    }

    /** Average time to first byte, or -1 before the first sample. */
    public long latencyNanos(String deployment) {
        return of(deployment).latencyEwmaNanos.get();
    }

    public void recordLatency(String deployment, long nanos) {
        of(deployment).latencyEwmaNanos.updateAndGet(old -> old < 0 ? nanos
                : (long) (LATENCY_ALPHA * nanos + (1 - LATENCY_ALPHA) * old));
    }

    public int inFlight(String deployment) {
        return of(deployment).inFlight.get();
    }

    public void started(String deployment) {
        of(deployment).inFlight.incrementAndGet();
    }

    public void finished(String deployment) {
        of(deployment).inFlight.decrementAndGet();
    }

    /** A request was routed to the deployment: it earns a fraction of a retry. */
    public void earnRetry(String deployment) {
        long cap = (long) (RETRY_BUDGET_BURST * 1000);
        of(deployment).retryBudgetMillis.updateAndGet(b -> Math.min(cap, b + (long) (RETRY_BUDGET_RATIO * 1000)));
    }

    /** Spends one retry against the deployment that failed; false when its budget is used up. */
    public boolean trySpendRetry(String deployment) {
        AtomicLong budget = of(deployment).retryBudgetMillis;
        while (true) {
            long b = budget.get();
            if (b < 1000) {
                return false;
            }
            if (budget.compareAndSet(b, b - 1000)) {
                return true;
            }
        }
    }
}
