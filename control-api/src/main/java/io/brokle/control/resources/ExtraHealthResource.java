package io.brokle.control.resources;

import com.codahale.metrics.health.HealthCheck;
import io.brokle.control.health.CacheHealthCheck;
import io.brokle.control.health.ProviderHealth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code GET /health/cache} and {@code GET /health/providers} on the API port, beside
 * {@link HealthResource}'s {@code /health} and {@code /health/db}, without authentication.
 *
 * <p>{@code /health/cache}: 200 or 503 with {@code {"status":"ok","layer":"in-process","checks":{"cache":"ok"}}}
 * ({@code layer} is {@code in-process} or {@code redis}); the reason is on the admin port's
 * {@code /healthcheck}. {@code /health/providers}: always 200 (a provider's outage is not this
 * node's), {@code status} {@code ok} or {@code degraded} when a breaker is open, see
 * {@link ProviderHealth}.
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class ExtraHealthResource {
    /** The body of {@code /health/cache}. */
    public record CacheHealth(String status, String layer, Map<String, String> checks) {
    }

    private final CacheHealthCheck cache;
    private final ProviderHealth.Source providers;

    /** @param providers null when no proxy runs in this process */
    public ExtraHealthResource(CacheHealthCheck cache, ProviderHealth.Source providers) {
        this.cache = cache;
        this.providers = providers;
    }

    @GET
    @Path("cache")
    public Response cache() {
        HealthCheck.Result result = cache.execute();
        String state = result.isHealthy() ? "ok" : "down";
        return Response.status(result.isHealthy() ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(new CacheHealth(state, cache.layer(), Map.of("cache", state))).build();
    }

    @GET
    @Path("providers")
    public ProviderHealth providers() {
        return ProviderHealth.of(providers);
    }
}
