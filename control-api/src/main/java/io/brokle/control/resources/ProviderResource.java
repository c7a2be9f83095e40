package io.brokle.control.resources;

import io.brokle.config.UpstreamTimeouts;
import io.brokle.control.ControlServices;
import io.brokle.control.api.ApiException;
import io.brokle.control.api.ConfigRequests;
import io.brokle.control.api.ConfigViews.ProviderJson;
import io.brokle.control.api.Validation;
import io.brokle.control.api.Views.ListOf;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.credentials.ProviderService;
import io.brokle.control.credentials.ProviderSpec;
import io.brokle.control.credentials.ProviderView;
import io.brokle.control.resources.EnvironmentScope.Outcome;
import io.brokle.control.resources.EnvironmentScope.Scope;
import io.brokle.control.routes.RouteService;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Provider accounts of an environment ({@code .../environments/{env}/providers[/{provider}]}):
 * viewers read them (the credential only masked); admins and owners create, change and delete
 * them. The credential is write-only.
 */
@Path("/api/v1/orgs/{org}/projects/{project}/environments/{env}/providers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ProviderResource {
    private final EnvironmentScope scopes;
    private final ProviderService providers;
    private final RouteService routes;

    ProviderResource(EnvironmentScope scopes, ControlServices services) {
        this.scopes = scopes;
        this.providers = services.providers();
        this.routes = services.routes();
    }

    @GET
    public ListOf<ProviderJson> list(@Auth UserPrincipal caller, @PathParam("org") String org,
                                     @PathParam("project") String project, @PathParam("env") String env) {
        Scope scope = scopes.require(caller, org, project, env, Permission.READ_CONFIGURATION);
        return ListOf.of(providers.list(scope.environmentId()).stream().map(ProviderJson::of).toList());
    }

    @POST
    public Response create(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                           @PathParam("env") String env, ConfigRequests.Provider body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_PROVIDERS);
        Validation.body(body);
        ProviderSpec spec = new ProviderSpec(body.name(), body.kind(), body.baseUrl(), body.credential(),
                body.apiVersion(), body.enabled() == null || body.enabled(), timeouts(body.timeouts()), null,
                body.priceFamily());
        requireFreeName(scope, body.name(), null);
        ProviderView created = scopes.change(scope, "provider.create", "provider", () -> {
            ProviderView p = providers.create(scope.actor(), scope.environmentId(), spec);
            return new Outcome<>(p, p.id(), null, ProviderJson.of(p));
        });
        return Response.status(201).entity(ProviderJson.of(created)).build();
    }

    @GET
    @Path("{provider}")
    public ProviderJson get(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                            @PathParam("env") String env, @PathParam("provider") String provider) {
        Scope scope = scopes.require(caller, org, project, env, Permission.READ_CONFIGURATION);
        return ProviderJson.of(find(scope, provider));
    }

    @PATCH
    @Path("{provider}")
    public ProviderJson update(@Auth UserPrincipal caller, @PathParam("org") String org,
                               @PathParam("project") String project, @PathParam("env") String env,
                               @PathParam("provider") String provider, ConfigRequests.Provider body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_PROVIDERS);
        ProviderView current = find(scope, provider);
        Validation.body(body);
        if (body.kind() != null && !body.kind().equals(current.kind())) {
            throw ApiException.badRequest("kind", "kind: a provider's kind does not change (create another provider)");
        }
        String name = body.name() != null ? body.name() : current.name();
        ProviderSpec spec = new ProviderSpec(name, current.kind(),
                body.baseUrl() != null ? body.baseUrl() : current.baseUrl(), body.credential(),
                body.apiVersion() != null ? body.apiVersion() : current.apiVersion(),
                body.enabled() != null ? body.enabled() : current.enabled(),
                body.timeouts() != null ? timeouts(body.timeouts()) : current.timeouts(), current.mock(),
                body.priceFamily() != null ? body.priceFamily() : current.priceFamily());
        requireFreeName(scope, name, current.id());
        ProviderView updated = scopes.change(scope, "provider.update", "provider", () -> {
            ProviderView p = providers.update(scope.actor(), current.id(), spec);
            return new Outcome<>(p, p.id(), ProviderJson.of(current), ProviderJson.of(p));
        });
        return ProviderJson.of(updated);
    }

    @DELETE
    @Path("{provider}")
    public Response delete(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                           @PathParam("env") String env, @PathParam("provider") String provider) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_PROVIDERS);
        ProviderView current = find(scope, provider);
        List<String> users = routes.deployments(scope.environmentId()).stream()
                .filter(d -> d.provider().equals(current.name())).map(d -> d.name()).toList();
        if (!users.isEmpty()) {
            throw ApiException.conflict(null, "provider " + current.name() + " is used by deployments "
                    + String.join(", ", users) + ": delete or move them first");
        }
        scopes.change(scope, "provider.delete", "provider", () -> {
            providers.delete(scope.actor(), current.id());
            return new Outcome<>(null, current.id(), ProviderJson.of(current), null);
        });
        return Response.noContent().build();
    }

    /** The provider {@code id} of the path's environment; 404 for a provider of any other environment. */
    private ProviderView find(Scope scope, String id) {
        UUID providerId = Validation.uuid("provider", id);
        return providers.get(providerId).filter(p -> p.environmentId().equals(scope.environmentId()))
                .orElseThrow(() -> scope.notFound("provider " + id));
    }

    private void requireFreeName(Scope scope, String name, UUID except) {
        if (name != null && providers.list(scope.environmentId()).stream()
                .anyMatch(p -> p.name().equals(name) && !p.id().equals(except))) {
            throw ApiException.conflict("name", "name: a provider named " + name + " exists in this environment");
        }
    }

    /** Time limits from milliseconds; an absent one takes its default. */
    static UpstreamTimeouts timeouts(ConfigRequests.Timeouts t) {
        if (t == null) {
            return null;
        }
        return new UpstreamTimeouts(
                millis("timeouts.connect_ms", t.connectMs(), UpstreamTimeouts.DEFAULT_CONNECT),
                millis("timeouts.first_byte_ms", t.firstByteMs(), UpstreamTimeouts.DEFAULT_FIRST_BYTE),
                millis("timeouts.idle_ms", t.idleMs(), UpstreamTimeouts.DEFAULT_IDLE),
                millis("timeouts.total_ms", t.totalMs(), UpstreamTimeouts.DEFAULT_TOTAL));
    }

    private static Duration millis(String param, Long value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0 || value > Duration.ofDays(1).toMillis()) {
            throw ApiException.badRequest(param, param + ": " + value + " (expected: 1 to 86400000 milliseconds)");
        }
        return Duration.ofMillis(value);
    }
}
