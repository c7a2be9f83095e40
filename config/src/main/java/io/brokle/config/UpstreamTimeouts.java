package io.brokle.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Time limits for one upstream request.
 *
 * @param connect   TCP (and TLS) connect
 * @param firstByte from the request written to the first response byte; a non-streamed answer
 *                  arrives whole, so this bounds its generation time
 * @param idle      the longest gap between two response chunks once the answer started
 * @param total     the whole upstream exchange
 */
public record UpstreamTimeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {
    public static final Duration DEFAULT_CONNECT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FIRST_BYTE = Duration.ofSeconds(120);
    public static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TOTAL = Duration.ofMinutes(10);
    public static final UpstreamTimeouts DEFAULTS =
            new UpstreamTimeouts(DEFAULT_CONNECT, DEFAULT_FIRST_BYTE, DEFAULT_IDLE, DEFAULT_TOTAL);

    public UpstreamTimeouts {
        requirePositive(connect, "connect");
        requirePositive(firstByte, "firstByte");
        requirePositive(idle, "idle");
        requirePositive(total, "total");
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }
}
