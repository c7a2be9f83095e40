package io.brokle.proxy.metrics;

import java.time.Instant;

/**
 * What a proxy has seen of one provider since it started, for health pages: upstream attempts
 * that got a verdict (a client leaving first is none), how many of them the provider failed
 * (an error answer passed on, a timeout, a refused or cut connection, a malformed answer, or an
 * attempt replaced by a retry), and when it last answered well.
 *
 * @param lastSuccess null when it never has
 */
public record ProviderActivity(long attempts, long failures, Instant lastSuccess) {
    /** Failures per attempt, 0 to 1; 0 before the first attempt. */
    public double errorRate() {
        return attempts == 0 ? 0 : (double) failures / attempts;
    }
}
