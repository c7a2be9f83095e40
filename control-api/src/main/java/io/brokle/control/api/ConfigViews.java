package io.brokle.control.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.brokle.config.Deployment;
import io.brokle.config.Route;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.control.credentials.ProviderView;
import io.brokle.control.keys.KeyView;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The response bodies of the virtual key, provider, deployment and route endpoints (snake_case,
 * times in ISO-8601 UTC, time limits in milliseconds). No view holds a key's hash or a provider's
 * credential; a key's secret appears only in the answer that made it.
 */
public final class ConfigViews {
    private ConfigViews() {
    }

    /** A virtual key; {@code secret} only in the answer to create or rotate. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KeyJson(String object, UUID id, UUID environmentId, String name, String displayPrefix,
                          List<String> allowedModels, Map<String, String> metadata, List<String> tags,
                          Instant expiresAt, Instant revokedAt, Instant rotatedAt, UUID replacedBy, Instant createdAt,
                          UUID createdBy, @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {
        public static KeyJson of(KeyView k, String secret) {
            return new KeyJson("virtual_key", k.id(), k.environmentId(), k.name(), k.displayPrefix(),
                    k.allowedModels(), k.metadata(), k.tags(), k.expiresAt(), k.revokedAt(), k.rotatedAt(),
                    k.replacedBy(), k.createdAt(), k.createdBy(), secret);
        }

        @Override
        public String toString() {
            return "KeyJson[id=" + id + ", prefix=" + displayPrefix + (secret == null ? "" : ", secret=(redacted)") + "]";
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TimeoutsJson(long connectMs, long firstByteMs, long idleMs, long totalMs) {
        public static TimeoutsJson of(UpstreamTimeouts t) {
            return t == null ? null : new TimeoutsJson(t.connect().toMillis(), t.firstByte().toMillis(),
                    t.idle().toMillis(), t.total().toMillis());
        }
    }

    /** A provider; the credential only as {@code credential_hint} ({@code sk-...abcd}), null when none. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ProviderJson(String object, UUID id, UUID environmentId, String name, String kind, String baseUrl,
                               String credentialHint, String apiVersion, boolean enabled, TimeoutsJson timeouts,
                               String priceFamily, Instant createdAt, Instant updatedAt) {
        public static ProviderJson of(ProviderView p) {
            return new ProviderJson("provider", p.id(), p.environmentId(), p.name(), p.kind(), p.baseUrl(),
                    p.credentialHint(), p.apiVersion(), p.enabled(), TimeoutsJson.of(p.timeouts()), p.priceFamily(),
                    p.createdAt(), p.updatedAt());
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record PriceJson(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output,
                            BigDecimal reasoning) {
        public static PriceJson of(io.brokle.config.Price p) {
            return p == null ? null : new PriceJson(p.input(), p.cachedInput(), p.cacheWrite(), p.output(), p.reasoning());
        }
    }

    /** A deployment; {@code price} and {@code timeouts} null when the defaults apply. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeploymentJson(String object, String name, String provider, String model, int weight,
                                 PriceJson price, TimeoutsJson timeouts) {
        public static DeploymentJson of(Deployment d) {
            return new DeploymentJson("deployment", d.name(), d.provider(), d.model(), d.weight(),
                    PriceJson.of(d.price()), TimeoutsJson.of(d.timeouts()));
        }
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RouteJson(String object, String model, List<String> deployments, String strategy,
                            List<String> fallbacks, int maxAttempts) {
        public static RouteJson of(Route r) {
            return new RouteJson("route", r.model(), r.deployments(), r.strategy().yamlName(), r.fallbacks(),
                    r.maxAttempts());
        }
    }
}
