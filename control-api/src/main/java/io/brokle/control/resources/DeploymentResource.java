package io.brokle.control.resources;

import io.brokle.config.Deployment;
import io.brokle.config.Price;
import io.brokle.control.ControlServices;
import io.brokle.control.api.ApiException;
import io.brokle.control.api.ConfigRequests;
import io.brokle.control.api.ConfigViews.DeploymentJson;
import io.brokle.control.api.Validation;
import io.brokle.control.api.Views.ListOf;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.resources.EnvironmentScope.Outcome;
import io.brokle.control.resources.EnvironmentScope.Scope;
import io.brokle.control.routes.DeploymentSpec;
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
import java.util.List;
import java.util.Optional;

/**
 * Deployments of an environment ({@code .../environments/{env}/deployments[/{deployment}]}), by
 * name: a model at one of the environment's providers, with its weight, price override and time
 * limits. Viewers read them; admins and owners change them.
 */
@Path("/api/v1/orgs/{org}/projects/{project}/environments/{env}/deployments")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class DeploymentResource {
    private final EnvironmentScope scopes;
    private final RouteService routes;

    DeploymentResource(EnvironmentScope scopes, ControlServices services) {
        this.scopes = scopes;
        this.routes = services.routes();
    }

    @GET
    public ListOf<DeploymentJson> list(@Auth UserPrincipal caller, @PathParam("org") String org,
                                       @PathParam("project") String project, @PathParam("env") String env) {
        Scope scope = scopes.require(caller, org, project, env, Permission.READ_CONFIGURATION);
        return ListOf.of(routes.deployments(scope.environmentId()).stream().map(DeploymentJson::of).toList());
    }

    @POST
    public Response create(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                           @PathParam("env") String env, ConfigRequests.Deployment body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_ROUTES);
        Validation.body(body);
        DeploymentSpec spec = new DeploymentSpec(body.name(), body.provider(), body.model(), body.weight(),
                price(body.price()), ProviderResource.timeouts(body.timeouts()));
        if (body.name() != null && find(scope, body.name()).isPresent()) {
            throw ApiException.conflict("name", "name: a deployment named " + body.name() + " exists in this environment");
        }
        Deployment created = scopes.change(scope, "deployment.create", "deployment", () -> {
            Deployment d = routes.putDeployment(scope.actor(), scope.environmentId(), spec);
            return new Outcome<>(d, d.name(), null, DeploymentJson.of(d));
        });
        return Response.status(201).entity(DeploymentJson.of(created)).build();
    }

    @GET
    @Path("{deployment: .+}")
    public DeploymentJson get(@Auth UserPrincipal caller, @PathParam("org") String org,
                              @PathParam("project") String project, @PathParam("env") String env,
                              @PathParam("deployment") String name) {
        Scope scope = scopes.require(caller, org, project, env, Permission.READ_CONFIGURATION);
        return DeploymentJson.of(require(scope, name));
    }

    @PATCH
    @Path("{deployment: .+}")
    public DeploymentJson update(@Auth UserPrincipal caller, @PathParam("org") String org,
                                 @PathParam("project") String project, @PathParam("env") String env,
                                 @PathParam("deployment") String name, ConfigRequests.Deployment body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_ROUTES);
        Deployment current = require(scope, name);
        Validation.body(body);
        if (body.name() != null && !body.name().equals(current.name())) {
            throw ApiException.badRequest("name", "name: a deployment is not renamed (routes refer to it by name)");
        }
        DeploymentSpec spec = new DeploymentSpec(current.name(),
                body.provider() != null ? body.provider() : current.provider(),
                body.model() != null ? body.model() : current.model(),
                body.weight() != null ? body.weight() : current.weight(),
                body.price() != null ? price(body.price()) : current.price(),
                body.timeouts() != null ? ProviderResource.timeouts(body.timeouts()) : current.timeouts());
        Deployment updated = scopes.change(scope, "deployment.update", "deployment", () -> {
            Deployment d = routes.putDeployment(scope.actor(), scope.environmentId(), spec);
            return new Outcome<>(d, d.name(), DeploymentJson.of(current), DeploymentJson.of(d));
        });
        return DeploymentJson.of(updated);
    }

    @DELETE
    @Path("{deployment: .+}")
    public Response delete(@Auth UserPrincipal caller, @PathParam("org") String org,
                           @PathParam("project") String project, @PathParam("env") String env,
                           @PathParam("deployment") String name) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_ROUTES);
        Deployment current = require(scope, name);
        List<String> users = routes.routes(scope.environmentId()).stream()
                .filter(r -> r.deployments().contains(name)).map(r -> r.model()).toList();
        if (!users.isEmpty()) {
            throw ApiException.conflict(null, "deployment " + name + " is used by routes " + String.join(", ", users)
                    + ": change or delete them first");
        }
        scopes.change(scope, "deployment.delete", "deployment", () -> {
            routes.deleteDeployment(scope.actor(), scope.environmentId(), name);
            return new Outcome<>(null, name, DeploymentJson.of(current), null);
        });
        return Response.noContent().build();
    }

    private Optional<Deployment> find(Scope scope, String name) {
        return routes.deployments(scope.environmentId()).stream().filter(d -> d.name().equals(name)).findFirst();
    }

    private Deployment require(Scope scope, String name) {
        return find(scope, name).orElseThrow(() -> scope.notFound("deployment " + name));
    }

    /** A price override, its problems named {@code price.<field>}. */
    private static Price price(ConfigRequests.Price p) {
        if (p == null) {
            return null;
        }
        if (p.input() == null || p.output() == null) {
            String field = p.input() == null ? "price.input" : "price.output";
            throw ApiException.badRequest(field, field + ": missing (expected: USD per 1M tokens)");
        }
        try {
            return new Price(p.input(), p.cachedInput(), p.cacheWrite(), p.output(), p.reasoning(), null);
        } catch (IllegalArgumentException e) {
            String field = "price." + EnvironmentScope.snake(e.getMessage().split(":")[0]);
            throw ApiException.badRequest(field, field + e.getMessage().substring(e.getMessage().indexOf(':')));
        }
    }
}
