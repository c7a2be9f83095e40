package io.brokle.control.resources;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import io.brokle.control.api.HealthStatus;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Health on the API port, for load balancers and orchestrators that only see that port:
 * {@code GET /health} runs every health check, {@code GET /health/db} the database ones. 200
 * when all pass, 503 otherwise. No authentication, so the body says only ok or down per check.
 */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    private final HealthCheckRegistry checks;
    private final List<String> databaseChecks;

    /** @param databaseChecks the names of the checks {@code /health/db} runs */
    public HealthResource(HealthCheckRegistry checks, String... databaseChecks) {
        this.checks = Objects.requireNonNull(checks, "checks");
        this.databaseChecks = List.of(databaseChecks);
    }

    @GET
    public Response all() {
        return answer(checks.runHealthChecks());
    }

    @GET
    @Path("db")
    public Response database() {
        Map<String, HealthCheck.Result> results = new TreeMap<>();
        for (String name : databaseChecks) {
            results.put(name, checks.runHealthCheck(name));
        }
        return answer(results);
    }

    private static Response answer(Map<String, HealthCheck.Result> results) {
        Map<String, String> states = new TreeMap<>();
        boolean healthy = true;
        for (Map.Entry<String, HealthCheck.Result> r : results.entrySet()) {
            healthy &= r.getValue().isHealthy();
            states.put(r.getKey(), r.getValue().isHealthy() ? HealthStatus.OK : HealthStatus.DOWN);
        }
        return Response.status(healthy ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE)
                .entity(new HealthStatus(healthy ? HealthStatus.OK : HealthStatus.DOWN, states))
                .build();
    }
}
