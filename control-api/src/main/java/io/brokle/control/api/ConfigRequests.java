package io.brokle.control.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The request bodies of the virtual key, provider, deployment and route endpoints (snake_case
 * JSON, unknown fields refused). In a {@code PATCH} body an absent (or null) field keeps its
 * value. The services behind them check the values and name the offending field.
 */
public final class ConfigRequests {
    private ConfigRequests() {
    }

    /** A new virtual key; {@code expires_at} in ISO-8601 ({@code 2027-01-01T00:00:00Z}). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CreateKey(String name, List<String> allowedModels, Map<String, String> metadata, List<String> tags,
                            Instant expiresAt) implements StrictRequest {
    }

    /**
     * Changes a key's name, models, metadata, tags or expiry; a key's secret never changes (rotate
     * it). Absent fields keep their value; {@code "expires_at": null} removes the expiry (a class,
     * not a record, to tell an explicit null from an absent field).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public static final class UpdateKey implements StrictRequest {
        private String name;
        private List<String> allowedModels;
        private Map<String, String> metadata;
        private List<String> tags;
        private Instant expiresAt;
        private boolean expiresAtGiven;

        public void setName(String name) {
            this.name = name;
        }

        public void setAllowedModels(List<String> allowedModels) {
            this.allowedModels = allowedModels;
        }

        public void setMetadata(Map<String, String> metadata) {
            this.metadata = metadata;
        }

        public void setTags(List<String> tags) {
            this.tags = tags;
        }

        public void setExpiresAt(Instant expiresAt) {
            this.expiresAt = expiresAt;
            this.expiresAtGiven = true;
        }

        public String name() {
            return name;
        }

        public List<String> allowedModels() {
            return allowedModels;
        }

        public Map<String, String> metadata() {
            return metadata;
        }

        public List<String> tags() {
            return tags;
        }

        /** Whether the body holds {@code expires_at}, null included. */
        public boolean expiresAtGiven() {
            return expiresAtGiven;
        }

        public Instant expiresAt() {
            return expiresAt;
        }
    }

    /** How long the old key keeps working after a rotation: 0 (default) to 2,592,000 seconds (30 days). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RotateKey(Long graceSeconds) implements StrictRequest {
    }

    /** Time limits in milliseconds; an absent one takes the default. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Timeouts(Long connectMs, Long firstByteMs, Long idleMs, Long totalMs) implements StrictRequest {
    }

    /** A price override in USD per 1M tokens; {@code input} and {@code output} are required. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output,
                        BigDecimal reasoning) implements StrictRequest {
    }

    /**
     * A provider account. {@code credential} is write-only: never returned (a masked hint is);
     * in a {@code PATCH}, absent keeps the stored one and {@code ""} removes it.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Provider(String name, String kind, String baseUrl, String credential, String apiVersion,
                           Boolean enabled, Timeouts timeouts, String priceFamily) implements StrictRequest {
        @Override
        public String toString() {
            return "Provider[name=" + name + ", kind=" + kind + ", baseUrl=" + baseUrl + ", credential="
                    + (credential == null ? "unchanged" : "(redacted)") + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Deployment(String name, String provider, String model, Integer weight, Price price,
                             Timeouts timeouts) implements StrictRequest {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Route(String model, List<String> deployments, String strategy, List<String> fallbacks,
                        Integer maxAttempts) implements StrictRequest {
    }
}
