package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.brokle.control.testing.ServiceFixture;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Role x endpoint x tenant for virtual keys, providers, deployments and routes: each role below
 * an endpoint's least role gets 403 naming it and changes nothing; members of another
 * organization get 404 as for a missing one; a key, provider, deployment or route of another
 * environment or organization named on this environment's path is 404; no token is 401; every
 * role from viewer up reads.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConfigurationRoleMatrixTest {
    static final ConfigOverride[] CONTROL_PLANE = {
            ConfigOverride.config("auth.loginAddressFreeFailures", "1000"),
            ConfigOverride.config("keyPepper", ServiceFixture.PEPPER),
            ConfigOverride.config("masterKeys", Base64.getEncoder().encodeToString(ServiceFixture.randomKey()))};
    private static final ManagementApi API = ManagementApi.onH2(CONTROL_PLANE);
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;

    private static final List<String> ROLES = List.of("viewer", "developer", "admin", "owner");
    private static final String ENV = "/projects/chat/environments/dev";
    private static final Map<String, String> TOKENS = new HashMap<>();
    /** Ids in matrix/chat/dev ({key}, {provider}) and elsewhere (the same names under "foreign"). */
    private static final Map<String, String> IDS = new HashMap<>();
    private static String outsider;

    private record Endpoint(String method, String path, Object body, String least) {
        String url(String org, Map<String, String> ids) {
            String p = path;
            for (Map.Entry<String, String> id : ids.entrySet()) {
                p = p.replace("{" + id.getKey() + "}", id.getValue());
            }
            return "/api/v1/orgs/" + org + ENV + p;
        }

        boolean namesOne() {
            return path.split("/").length > 2;
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/keys", null, "viewer"),
            new Endpoint("POST", "/keys", Map.of("name", "new"), "developer"),
            new Endpoint("GET", "/keys/{key}", null, "viewer"),
            new Endpoint("PATCH", "/keys/{key}", Map.of("name", "renamed"), "developer"),
            new Endpoint("POST", "/keys/{key}/revoke", null, "developer"),
            new Endpoint("POST", "/keys/{key}/rotate", Map.of("grace_seconds", 60), "developer"),
            new Endpoint("GET", "/providers", null, "viewer"),
            new Endpoint("POST", "/providers", Map.of("name", "other", "kind", "mock"), "admin"),
            new Endpoint("GET", "/providers/{provider}", null, "viewer"),
            new Endpoint("PATCH", "/providers/{provider}", Map.of("enabled", false), "admin"),
            new Endpoint("DELETE", "/providers/{provider}", null, "admin"),
            new Endpoint("GET", "/deployments", null, "viewer"),
            new Endpoint("POST", "/deployments", Map.of("name", "d2", "provider", "mock", "model", "m"), "admin"),
            new Endpoint("GET", "/deployments/{deployment}", null, "viewer"),
            new Endpoint("PATCH", "/deployments/{deployment}", Map.of("weight", 2), "admin"),
            new Endpoint("DELETE", "/deployments/{deployment}", null, "admin"),
            new Endpoint("GET", "/routes", null, "viewer"),
            new Endpoint("POST", "/routes", Map.of("model", "other", "deployments", List.of("d1")), "admin"),
            new Endpoint("GET", "/routes/{route}", null, "viewer"),
            new Endpoint("PATCH", "/routes/{route}", Map.of("max_attempts", 2), "admin"),
            new Endpoint("DELETE", "/routes/{route}", null, "admin"));

    @BeforeAll
    static void organizations() {
        String owner = API.signupAndLogin("owner@config-matrix.example");
        TOKENS.put("owner", owner);
        API.createOrganization(owner, "matrix");
        for (String role : List.of("admin", "developer", "viewer")) {
            String email = role + "@config-matrix.example";
            String token = API.signupAndLogin(email);
            API.addMember(owner, "matrix", email, token, role);
            TOKENS.put(role, token);
        }
        API.post("/api/v1/orgs/matrix/projects", owner, Map.of("slug", "chat", "name", "Chat"));
        IDS.putAll(configure(owner, "matrix", "dev", "d1", "demo"));
        Map<String, String> prod = configure(owner, "matrix", "prod", "d-prod", "demo-prod");
        outsider = API.signupAndLogin("owner@config-elsewhere.example");
        API.createOrganization(outsider, "elsewhere");
        API.post("/api/v1/orgs/elsewhere/projects", outsider, Map.of("slug", "chat", "name", "Chat"));
        Map<String, String> foreign = configure(outsider, "elsewhere", "dev", "d-foreign", "demo-foreign");
        OTHER_ENVIRONMENT.putAll(prod);
        OTHER_ORGANIZATION.putAll(foreign);
    }

    private static final Map<String, String> OTHER_ENVIRONMENT = new HashMap<>();
    private static final Map<String, String> OTHER_ORGANIZATION = new HashMap<>();

    /** An environment with a mock provider, a deployment, a route and a key: their ids and names. */
    private static Map<String, String> configure(String token, String org, String env, String deployment, String route) {
        String base = "/api/v1/orgs/" + org + "/projects/chat/environments";
        check(API.post(base, token, Map.of("name", env)), 201);
        base += "/" + env;
        String provider = check(API.post(base + "/providers", token, Map.of("name", "mock", "kind", "mock")), 201)
                .json().get("id").asText();
        check(API.post(base + "/deployments", token, Map.of("name", deployment, "provider", "mock", "model", "m")), 201);
        check(API.post(base + "/routes", token, Map.of("model", route, "deployments", List.of(deployment))), 201);
        String key = check(API.post(base + "/keys", token, Map.of("name", "k")), 201).json().get("id").asText();
        return Map.of("key", key, "provider", provider, "deployment", deployment, "route", route);
    }

    private static Reply check(Reply reply, int status) {
        assertEquals(status, reply.status(), reply.toString());
        return reply;
    }

    private static long snapshotVersions() {
        return API.jdbi().withHandle(h -> h.createQuery("select coalesce(sum(version), 0) from environment_snapshots")
                .mapTo(Long.class).one());
    }

    static Stream<Arguments> denials() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            for (String role : ROLES.subList(0, ROLES.indexOf(e.least()))) {
                cases.add(Arguments.of(e, role));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1} cannot {0}")
    @MethodSource("denials")
    void rolesBelowTheLeastAre403AndChangeNothing(Endpoint endpoint, String role) {
        int audit = API.count("audit_log");
        long versions = snapshotVersions();

        Reply reply = API.send(endpoint.method(), endpoint.url("matrix", IDS), TOKENS.get(role), endpoint.body());

        assertEquals(403, reply.status(), reply.toString());
        assertEquals("permission_error", reply.json().at("/error/type").asText());
        assertTrue(reply.error().contains("needs the " + endpoint.least() + " role"), reply.error());
        assertTrue(reply.error().contains("your role in matrix is " + role), reply.error());
        assertEquals(audit, API.count("audit_log"));
        assertEquals(versions, snapshotVersions());
    }

    static Stream<Endpoint> endpoints() {
        return ENDPOINTS.stream();
    }

    @ParameterizedTest(name = "another organization's member gets 404 for {0}")
    @MethodSource("endpoints")
    void membersOfAnotherOrganizationGet404(Endpoint endpoint) {
        int audit = API.count("audit_log");
        long versions = snapshotVersions();

        Reply theirs = API.send(endpoint.method(), endpoint.url("matrix", IDS), outsider, endpoint.body());
        Reply missing = API.send(endpoint.method(), endpoint.url("missing", IDS), outsider, endpoint.body());
        Reply ownerElsewhere = API.send(endpoint.method(), endpoint.url("elsewhere", OTHER_ORGANIZATION),
                TOKENS.get("owner"), endpoint.body());

        assertEquals(404, theirs.status(), theirs.toString());
        assertEquals("organization not found: matrix", theirs.error());
        assertEquals(missing.body().replace("missing", "matrix"), theirs.body());
        assertEquals(404, ownerElsewhere.status(), ownerElsewhere.toString());
        assertEquals(audit, API.count("audit_log"));
        assertEquals(versions, snapshotVersions());
    }

    static Stream<Arguments> foreignItems() {
        return ENDPOINTS.stream().filter(Endpoint::namesOne).flatMap(e -> Stream.of(
                Arguments.of(e, "another environment", OTHER_ENVIRONMENT),
                Arguments.of(e, "another organization", OTHER_ORGANIZATION)));
    }

    @ParameterizedTest(name = "{0} with an item of {1}: 404")
    @MethodSource("foreignItems")
    void anItemOfAnotherTenantOnThisPathIs404(Endpoint endpoint, String whose, Map<String, String> ids) {
        int audit = API.count("audit_log");
        long versions = snapshotVersions();

        Reply reply = API.send(endpoint.method(), endpoint.url("matrix", ids), TOKENS.get("owner"), endpoint.body());
        Map<String, String> unknown = Map.of("key", java.util.UUID.randomUUID().toString(),
                "provider", java.util.UUID.randomUUID().toString(), "deployment", "nothing", "route", "nothing");
        Reply missing = API.send(endpoint.method(), endpoint.url("matrix", unknown), TOKENS.get("owner"), endpoint.body());

        assertEquals(404, reply.status(), reply.toString());
        assertTrue(reply.error().endsWith("not found in chat/dev"), reply.error());
        String item = endpoint.path().replaceAll(".*\\{(\\w+)}.*", "$1");
        assertEquals(missing.body().replace(unknown.get(item), ids.get(item)), reply.body(), "the same answer as for nothing");
        assertEquals(audit, API.count("audit_log"));
        assertEquals(versions, snapshotVersions());
    }

    @org.junit.jupiter.api.Test
    void developersManageKeysAndAdminsManageProvidersDeploymentsAndRoutes() {
        String developer = TOKENS.get("developer");
        String admin = TOKENS.get("admin");
        String e = "/api/v1/orgs/matrix" + ENV;
        String key = check(API.post(e + "/keys", developer, Map.of("name", "dev-key", "allowed_models", List.of("demo"))),
                201).json().get("id").asText();
        check(API.patch(e + "/keys/" + key, developer, Map.of("tags", List.of("dev"))), 200);
        String next = check(API.post(e + "/keys/" + key + "/rotate", developer, Map.of("grace_seconds", 0)), 201)
                .json().get("id").asText();
        check(API.post(e + "/keys/" + next + "/revoke", developer, null), 200);

        String provider = check(API.post(e + "/providers", admin, Map.of("name", "admin-mock", "kind", "mock")), 201)
                .json().get("id").asText();
        check(API.patch(e + "/providers/" + provider, admin, Map.of("enabled", true)), 200);
        check(API.post(e + "/deployments", admin, Map.of("name", "d-admin", "provider", "admin-mock", "model", "m")), 201);
        check(API.patch(e + "/deployments/d-admin", admin, Map.of("weight", 5)), 200);
        check(API.post(e + "/routes", admin, Map.of("model", "r-admin", "deployments", List.of("d-admin"))), 201);
        check(API.patch(e + "/routes/r-admin", admin, Map.of("strategy", "priority")), 200);
        check(API.delete(e + "/routes/r-admin", admin), 204);
        check(API.delete(e + "/deployments/d-admin", admin), 204);
        check(API.delete(e + "/providers/" + provider, admin), 204);
    }

    @ParameterizedTest(name = "no token: 401 for {0}")
    @MethodSource("endpoints")
    void anonymousCallersGet401(Endpoint endpoint) {
        Reply reply = API.send(endpoint.method(), endpoint.url("matrix", IDS), null, endpoint.body());
        assertEquals(401, reply.status(), reply.toString());
    }

    static Stream<Arguments> reads() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            if (e.method().equals("GET")) {
                ROLES.forEach(role -> cases.add(Arguments.of(e, role)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1} may {0}")
    @MethodSource("reads")
    void everyRoleMayRead(Endpoint endpoint, String role) {
        Reply reply = API.send("GET", endpoint.url("matrix", IDS), TOKENS.get(role), null);
        assertEquals(200, reply.status(), reply.toString());
        assertTrue(!reply.body().contains("secret") && !reply.body().contains("credential\""), reply.body());
    }
}
