package io.brokle.proxy.http;

import io.netty.util.internal.PlatformDependent;
import java.util.function.BooleanSupplier;

/**
 * Decides when the gateway sheds new requests rather than queueing them: too many requests in
 * flight, or memory under pressure. Shedding is the gateway's own refusal (503 with
 * {@code Retry-After}), decided before any routing, so it never counts against a provider's
 * circuit breaker; requests already in flight, streams included, are untouched.
 */
public final class OverloadMonitor {
    /** What a shed client is told to wait. */
    public static final int RETRY_AFTER_SECONDS = 1;
    /** Pooled direct memory in use, as a share of the limit, from which new requests are shed. */
    static final double DIRECT_MEMORY_PRESSURE = 0.9;

    private final int maxInFlight;
    private final BooleanSupplier memoryPressure;

    /**
     * @param memoryPressure whether memory is too short to take more requests; a seam so tests
     *                       (and operators' drills) can trip it
     */
    public OverloadMonitor(int maxInFlight, BooleanSupplier memoryPressure) {
        this.maxInFlight = maxInFlight;
        this.memoryPressure = memoryPressure;
    }

    public static OverloadMonitor of(int maxInFlight) {
        return new OverloadMonitor(maxInFlight, OverloadMonitor::directMemoryUnderPressure);
    }

    /**
     * @param inFlight requests in flight, this one included
     * @return why a new request must be shed, for its error message; {@code null} to admit it
     */
    public String refusal(long inFlight) {
        if (inFlight > maxInFlight) {
            return "The gateway is at its limit of " + maxInFlight + " requests in flight.";
        }
        if (memoryPressure.getAsBoolean()) {
            return "The gateway is short of memory.";
        }
        return null;
    }

    /** Whether Netty's direct memory in use is near its limit (false where Netty does not count it). */
    static boolean directMemoryUnderPressure() {
        long used = PlatformDependent.usedDirectMemory();
        long max = PlatformDependent.maxDirectMemory();
        return used >= 0 && max > 0 && used >= max * DIRECT_MEMORY_PRESSURE;
    }
}
