package io.brokle.control.resources;

import io.brokle.config.Route;
import io.brokle.control.ControlServices;
import io.brokle.control.api.ApiException;
import io.brokle.control.api.ConfigRequests;
import io.brokle.control.api.ConfigViews.RouteJson;
import io.brokle.control.api.Validation;
import io.brokle.control.api.Views.ListOf;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.resources.EnvironmentScope.Outcome;
import io.brokle.control.resources.EnvironmentScope.Scope;
import io.brokle.control.routes.RouteService;
import io.brokle.control.routes.RouteSpec;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Routes of an environment ({@code .../environments/{env}/routes[/{model}]}), by the public
 * model name clients send: deployments in order, strategy, fallbacks, {@code max_attempts}.
 * Viewers read them; admins and owners change them.
 */
@Path("/api/v1/orgs/{org}/projects/{project}/environments/{env}/routes")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class RouteResource {
    private final EnvironmentScope scopes;
    private final ControlServices services;
    private final RouteService routes;

    RouteResource(EnvironmentScope scopes, ControlServices services) {
        this.scopes = scopes;
        this.services = services;
        this.routes = services.routes();
    }

    @GET
    public ListOf<RouteJson> list(@Auth UserPrincipal caller, @PathParam("org") String org,
                                  @PathParam("project") String project, @PathParam("env") String env) {
        Scope scope = scopes.require(caller, org, project, env, Permission.READ_CONFIGURATION);
        return ListOf.of(routes.routes(scope.environmentId()).stream().map(RouteJson::of).toList());
    }

    @POST
    public Response create(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                           @PathParam("env") String env, ConfigRequests.Route body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_ROUTES);
        Validation.body(body);
        RouteSpec spec = new RouteSpec(body.model(), body.deployments(), body.strategy(), body.fallbacks(),
                body.maxAttempts());
        if (body.model() != null && find(scope, body.model()).isPresent()) {
            throw ApiException.conflict("model", "model: a route for " + body.model() + " exists in this environment");
        }
        Route created = scopes.change(scope, "route.create", "route", () -> {
            Route r = routes.putRoute(scope.actor(), scope.environmentId(), spec);
            return new Outcome<>(r, r.model(), null, RouteJson.of(r));
        });
        return Response.status(201).entity(RouteJson.of(created)).build();
    }

    @GET
    @Path("{model: .+}")
    public RouteJson get(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                         @PathParam("env") String env, @PathParam("model") String model) {
        Scope scope = scopes.require(caller, org, project, env, Permission.READ_CONFIGURATION);
        return RouteJson.of(require(scope, model));
    }

    @PATCH
    @Path("{model: .+}")
    public RouteJson update(@Auth UserPrincipal caller, @PathParam("org") String org,
                            @PathParam("project") String project, @PathParam("env") String env,
                            @PathParam("model") String model, ConfigRequests.Route body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_ROUTES);
        Route current = require(scope, model);
        Validation.body(body);
        if (body.model() != null && !body.model().equals(current.model())) {
            throw ApiException.badRequest("model", "model: a route is not renamed (create the new one, then delete this)");
        }
        RouteSpec spec = new RouteSpec(current.model(),
                body.deployments() != null ? body.deployments() : current.deployments(),
                body.strategy() != null ? body.strategy() : current.strategy().yamlName(),
                body.fallbacks() != null ? body.fallbacks() : current.fallbacks(),
                body.maxAttempts() != null ? body.maxAttempts() : current.maxAttempts());
        Route updated = scopes.change(scope, "route.update", "route", () -> {
            Route r = routes.putRoute(scope.actor(), scope.environmentId(), spec);
            return new Outcome<>(r, r.model(), RouteJson.of(current), RouteJson.of(r));
        });
        return RouteJson.of(updated);
    }

    @DELETE
    @Path("{model: .+}")
    public Response delete(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                           @PathParam("env") String env, @PathParam("model") String model) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_ROUTES);
        Route current = require(scope, model);
        List<String> users = new ArrayList<>();
        routes.routes(scope.environmentId()).stream().filter(r -> r.fallbacks().contains(model))
                .forEach(r -> users.add("route " + r.model()));
        if (services.keyService() != null) {
            services.keyService().list(scope.environmentId()).stream()
                    .filter(k -> k.allowedModels().contains(model))
                    .forEach(k -> users.add("virtual key " + k.id()));
        }
        if (!users.isEmpty()) {
            throw ApiException.conflict(null, "route " + model + " is used by " + String.join(", ", users)
                    + ": change them first");
        }
        scopes.change(scope, "route.delete", "route", () -> {
            routes.deleteRoute(scope.actor(), scope.environmentId(), model);
            return new Outcome<>(null, model, RouteJson.of(current), null);
        });
        return Response.noContent().build();
    }

    private Optional<Route> find(Scope scope, String model) {
        return routes.routes(scope.environmentId()).stream().filter(r -> r.model().equals(model)).findFirst();
    }

    private Route require(Scope scope, String model) {
        return find(scope, model).orElseThrow(() -> scope.notFound("route " + model));
    }
}
