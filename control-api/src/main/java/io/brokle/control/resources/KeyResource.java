package io.brokle.control.resources;

import io.brokle.control.ControlServices;
import io.brokle.control.api.ApiException;
import io.brokle.control.api.ConfigRequests;
import io.brokle.control.api.ConfigViews.KeyJson;
import io.brokle.control.api.Validation;
import io.brokle.control.api.Views.ListOf;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.keys.CreatedKey;
import io.brokle.control.keys.KeyService;
import io.brokle.control.keys.KeySpec;
import io.brokle.control.keys.KeyView;
import io.brokle.control.resources.EnvironmentScope.Outcome;
import io.brokle.control.resources.EnvironmentScope.Scope;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.UUID;

/**
 * Virtual keys of an environment ({@code .../environments/{env}/keys[/{key}]}): viewers read
 * them (never a secret); developers and up create, change, revoke and rotate them. A key's reach
 * is its environment (the path's, which the caller's membership covers) and the routes it is
 * allowed; a key has no role, so a key can never carry more than its creator's access (a
 * {@code role} field is refused like any unknown field). The secret is in the answer to create
 * and rotate only.
 */
@Path("/api/v1/orgs/{org}/projects/{project}/environments/{env}/keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class KeyResource {
    private final EnvironmentScope scopes;
    private final ControlServices services;

    KeyResource(EnvironmentScope scopes, ControlServices services) {
        this.scopes = scopes;
        this.services = services;
    }

    @GET
    public ListOf<KeyJson> list(@Auth UserPrincipal caller, @PathParam("org") String org,
                                @PathParam("project") String project, @PathParam("env") String env) {
        Scope scope = scopes.require(caller, org, project, env, Permission.READ_CONFIGURATION);
        return ListOf.of(EnvironmentScope.translated(() -> keys().list(scope.environmentId())).stream()
                .map(k -> KeyJson.of(k, null)).toList());
    }

    @POST
    public Response create(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                           @PathParam("env") String env, ConfigRequests.CreateKey body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_KEYS);
        Validation.body(body);
        KeySpec spec = new KeySpec(body.name(), body.allowedModels(), body.metadata(), body.tags(), body.expiresAt());
        CreatedKey created = scopes.change(scope, "virtual_key.create", "virtual_key", () -> {
            CreatedKey k = keys().create(scope.actor(), scope.environmentId(), spec);
            return new Outcome<>(k, k.key().id(), null, KeyJson.of(k.key(), null));
        });
        return Response.status(201).entity(KeyJson.of(created.key(), created.secret())).build();
    }

    @GET
    @Path("{key}")
    public KeyJson get(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                       @PathParam("env") String env, @PathParam("key") String key) {
        Scope scope = scopes.require(caller, org, project, env, Permission.READ_CONFIGURATION);
        return KeyJson.of(find(scope, key), null);
    }

    @PATCH
    @Path("{key}")
    public KeyJson update(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                          @PathParam("env") String env, @PathParam("key") String key, ConfigRequests.UpdateKey body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_KEYS);
        KeyView current = find(scope, key);
        Validation.body(body);
        KeySpec spec = new KeySpec(body.name() != null ? body.name() : current.name(),
                body.allowedModels() != null ? body.allowedModels() : current.allowedModels(),
                body.metadata() != null ? body.metadata() : current.metadata(),
                body.tags() != null ? body.tags() : current.tags(),
                body.expiresAtGiven() ? body.expiresAt() : current.expiresAt());
        KeyView updated = scopes.change(scope, "virtual_key.update", "virtual_key", () -> {
            KeyView k = keys().update(scope.actor(), current.id(), spec);
            return new Outcome<>(k, k.id(), KeyJson.of(current, null), KeyJson.of(k, null));
        });
        return KeyJson.of(updated, null);
    }

    @POST
    @Path("{key}/revoke")
    public KeyJson revoke(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                          @PathParam("env") String env, @PathParam("key") String key) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_KEYS);
        KeyView current = find(scope, key);
        if (current.revokedAt() != null) {
            return KeyJson.of(current, null); // already revoked: nothing changes, nothing is recorded
        }
        KeyView revoked = scopes.change(scope, "virtual_key.revoke", "virtual_key", () -> {
            KeyView k = keys().revoke(scope.actor(), current.id());
            return new Outcome<>(k, k.id(), KeyJson.of(current, null), KeyJson.of(k, null));
        });
        return KeyJson.of(revoked, null);
    }

    @POST
    @Path("{key}/rotate")
    public Response rotate(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("project") String project,
                           @PathParam("env") String env, @PathParam("key") String key, ConfigRequests.RotateKey body) {
        Scope scope = scopes.require(caller, org, project, env, Permission.MANAGE_KEYS);
        KeyView current = find(scope, key);
        long seconds = body == null || body.graceSeconds() == null ? 0 : body.graceSeconds();
        if (seconds < 0 || seconds > KeyService.MAX_GRACE.toSeconds()) {
            throw ApiException.badRequest("grace_seconds", "grace_seconds: " + seconds + " (expected: 0 to "
                    + KeyService.MAX_GRACE.toSeconds() + ", 30 days)");
        }
        CreatedKey rotated = scopes.change(scope, "virtual_key.rotate", "virtual_key", () -> {
            CreatedKey k = keys().rotate(scope.actor(), current.id(), Duration.ofSeconds(seconds));
            KeyView old = keys().get(current.id()).orElseThrow();
            return new Outcome<>(k, current.id(), KeyJson.of(current, null), KeyJson.of(old, null));
        });
        return Response.status(201).entity(KeyJson.of(rotated.key(), rotated.secret())).build();
    }

    /** The key {@code id} of the path's environment; 404 for a key of any other environment. */
    private KeyView find(Scope scope, String id) {
        UUID keyId = Validation.uuid("key", id);
        return EnvironmentScope.translated(() -> keys().get(keyId))
                .filter(k -> k.environmentId().equals(scope.environmentId()))
                .orElseThrow(() -> scope.notFound("virtual key " + id));
    }

    private KeyService keys() {
        return services.keys();
    }
}
