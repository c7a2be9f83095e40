package io.brokle.proxy.route;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * One deployment's breaker: closed while it works; open for a cool-down after
 * {@code failureThreshold} consecutive provider failures, or when at least
 * {@link #RATE_THRESHOLD_PERCENT}% of its last {@link #RATE_WINDOW} answers (once it has seen
 * {@link #RATE_MIN_CALLS}) were failures, which catches a provider failing every other request;
 * then half-open, letting exactly one probe through, which closes it on success and opens it
 * again on failure. Only failures the
 * provider caused count (the caller decides); client errors, client cancellations and the
 * gateway's own refusals never do. The state is an immutable value swapped by compare-and-set,
 * so any event loop may report without locks. Time comes from the injected clock.
 */
public final class CircuitBreaker {
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(30);
    /** How many of the latest answers the failure rate is computed over. */
    public static final int RATE_WINDOW = 20;
    /** The failure rate is not judged on fewer answers than this. */
    public static final int RATE_MIN_CALLS = 10;
    public static final int RATE_THRESHOLD_PERCENT = 50;

    /**
     * closed: {@code failures} in a row so far, and the latest {@code calls} answers (at most
     * {@link #RATE_WINDOW}) as bits of {@code recent}, 1 for a failure, newest lowest; open:
     * until {@code openUntil}; half-open: {@code probing}.
     */
    private record State(String name, int failures, long openUntil, boolean probing, long recent, int calls) {
        static final State CLOSED = new State("closed", 0, 0, false, 0, 0);

        State closedAfter(boolean failure) {
            long window = ((recent << 1) | (failure ? 1 : 0)) & ((1L << RATE_WINDOW) - 1);
            return new State("closed", failure ? failures + 1 : 0, 0, false, window, Math.min(RATE_WINDOW, calls + 1));
        }

        boolean failingTooOften() {
            return calls >= RATE_MIN_CALLS && Long.bitCount(recent) * 100 >= RATE_THRESHOLD_PERCENT * calls;
        }
    }

    private final int failureThreshold;
    private final long openForNanos;
    private final LongSupplier nanoClock;
    private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);

    public CircuitBreaker(int failureThreshold, Duration openFor, LongSupplier nanoClock) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold: " + failureThreshold + " (expected: >= 1)");
        }
        this.failureThreshold = failureThreshold;
        this.openForNanos = openFor.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Whether a request may go to this deployment now. When the cool-down is over this admits
     * exactly one caller as the probe, and refuses the others until the probe reports.
     */
    public boolean tryAcquire() {
        while (true) {
            State s = state.get();
            switch (s.name()) {
                case "closed" -> {
                    return true;
                }
                case "open" -> {
                    if (nanoClock.getAsLong() - s.openUntil() < 0) {
                        return false;
                    }
                    if (state.compareAndSet(s, new State("half-open", 0, 0, true, 0, 0))) {
                        return true;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
    }

    /** Whether {@link #tryAcquire()} would admit a request, without taking the probe slot. */
    public boolean wouldAdmit() {
        State s = state.get();
        return s.name().equals("closed") || s.name().equals("open") && nanoClock.getAsLong() - s.openUntil() >= 0;
    }

    /** A provider answer that worked (or failed through no fault of the provider's). A late success also closes an open breaker. */
    public void onSuccess() {
        while (true) {
            State s = state.get();
            State next = s.name().equals("closed") ? s.closedAfter(false) : State.CLOSED;
            if (state.compareAndSet(s, next)) {
                return;
            }
        }
    }

    public void onFailure() {
        while (true) {
            State s = state.get();
            State next = switch (s.name()) {
                case "closed" -> {
                    State counted = s.closedAfter(true);
                    yield counted.failures() >= failureThreshold || counted.failingTooOften() ? open() : counted;
                }
                case "half-open" -> open();
                default -> s;
            };
            if (next == s || state.compareAndSet(s, next)) {
                return;
            }
        }
    }

    /**
     * The attempt that held the probe slot ended without a verdict (the client left): let the
     * next request probe at once rather than leaving the breaker waiting for an answer that
     * will never come.
     */
    public void onCancelled() {
        State s = state.get();
        if (s.name().equals("half-open")) {
            state.compareAndSet(s, new State("open", 0, nanoClock.getAsLong(), false, 0, 0));
        }
    }

    /** {@code closed}, {@code open} or {@code half-open}. */
    public String stateName() {
        State s = state.get();
        if (s.name().equals("open") && nanoClock.getAsLong() - s.openUntil() >= 0) {
            return "half-open";
        }
        return s.name();
    }

    private State open() {
        return new State("open", 0, nanoClock.getAsLong() + openForNanos, false, 0, 0);
    }
}
