package io.brokle.proxy.upstream;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads {@code Retry-After} (seconds or an HTTP date) and {@code retry-after-ms}. */
final class RetryAfter {
    /** Longer waits are clamped: a provider cannot park a deployment for hours by mistake. */
    static final Duration MAX = Duration.ofMinutes(10);

    private RetryAfter() {
    }

    /** The wait, or {@code null} when absent or unreadable. */
    static Duration parse(String retryAfter, String retryAfterMs, Instant now) {
        Duration d = null;
        if (retryAfterMs != null) {
            try {
                d = Duration.ofMillis((long) Double.parseDouble(retryAfterMs.trim()));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        if (d == null && retryAfter != null) {
            String v = retryAfter.trim();
            try {
                d = Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
            } catch (NumberFormatException e) {
                try {
                    d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                } catch (DateTimeParseException ignored) {
                    return null;
                }
            }
        }
        if (d == null || d.isNegative()) {
            return d == null ? null : Duration.ZERO;
        }
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
