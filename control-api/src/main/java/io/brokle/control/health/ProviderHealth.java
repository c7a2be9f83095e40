package io.brokle.control.health;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * The body of {@code GET /health/providers}: what the proxy in this process has seen of each
 * provider of the environment it serves (all-in-one mode), or nothing known when no proxy runs
 * here (proxies report their own on their {@code /metrics}).
 *
 * @param source    {@code embedded-proxy}, or {@code none}
 * @param note      why nothing is known (with {@code none} only)
 * @param providers by provider name, in name order
 */
public record ProviderHealth(String status, String source, @JsonInclude(JsonInclude.Include.NON_NULL) String note,
                             List<Entry> providers) {
    public static final String OK = "ok";
    /** Some provider has a breaker open: requests to it fail over or are refused until it recovers. */
    public static final String DEGRADED = "degraded";

    public ProviderHealth {
        providers = List.copyOf(providers);
    }

    /**
     * One provider.
     *
     * @param lastSuccess when it last answered well; null for never (since the proxy started)
     * @param attempts    upstream attempts with a verdict since the proxy started
     * @param failures    of those, the ones the provider failed
     * @param errorRate   failures per attempt, 0 to 1
     * @param breaker     the worst breaker among its deployments: {@code closed}, {@code half-open} or {@code open}
     */
    public record Entry(String name, String kind, @JsonProperty("last_success") Instant lastSuccess, long attempts,
                        long failures, @JsonProperty("error_rate") double errorRate, String breaker) {
    }

    /** Where provider health comes from. */
    public interface Source {
        List<Entry> providers();
    }

    public static ProviderHealth of(Source source) {
        if (source == null) {
            return new ProviderHealth(OK, "none", "no proxy runs in this process, so no provider activity is known "
                    + "here; each proxy reports its own on GET /metrics", List.of());
        }
        List<Entry> entries = source.providers();
        boolean open = entries.stream().anyMatch(e -> e.breaker().equals("open"));
        return new ProviderHealth(open ? DEGRADED : OK, "embedded-proxy", null, entries);
    }
}
