package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Role x endpoint x tenant: every organization-scoped endpoint, called by each role below the one
 * it needs (403 naming that role, nothing written), by a member of another organization (404,
 * as for an organization that does not exist), by a member on another organization's path (404)
 * and without a token (401); read endpoints also by each role that may (200).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class RoleMatrixTest {
    private static final ManagementApi API = ManagementApi.onH2(
            ConfigOverride.config("auth.loginAddressFreeFailures", "1000"));
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;

    private static final List<String> ROLES = List.of("viewer", "developer", "admin", "owner");
    private static final Map<String, String> TOKENS = new java.util.HashMap<>();
    private static String outsider;
    private static String bystanderId;

    /** One endpoint: method, path under /api/v1/orgs/{org}, body, least role. */
    private record Endpoint(String method, String path, Object body, String least) {
        String url(String org) {
            return "/api/v1/orgs/" + org + path.replace("{bystander}", bystanderId);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "", null, "viewer"),
            new Endpoint("PATCH", "", Map.of("name", "Renamed"), "admin"),
            new Endpoint("GET", "/members", null, "viewer"),
            new Endpoint("PATCH", "/members/{bystander}", Map.of("role", "developer"), "admin"),
            new Endpoint("DELETE", "/members/{bystander}", null, "admin"),
            new Endpoint("GET", "/invitations", null, "admin"),
            new Endpoint("POST", "/invitations", Map.of("email", "new@example.com", "role", "viewer"), "admin"),
            new Endpoint("DELETE", "/invitations/" + UUID.randomUUID(), null, "admin"),
            new Endpoint("GET", "/projects", null, "viewer"),
            new Endpoint("POST", "/projects", Map.of("slug", "new", "name", "New"), "admin"),
            new Endpoint("GET", "/projects/chat", null, "viewer"),
            new Endpoint("PATCH", "/projects/chat", Map.of("name", "Renamed"), "admin"),
            new Endpoint("DELETE", "/projects/chat", null, "admin"),
            new Endpoint("GET", "/projects/chat/environments", null, "viewer"),
            new Endpoint("POST", "/projects/chat/environments", Map.of("name", "qa"), "admin"),
            new Endpoint("GET", "/projects/chat/environments/dev", null, "viewer"),
            new Endpoint("DELETE", "/projects/chat/environments/dev", null, "admin"),
            new Endpoint("GET", "/audit", null, "admin"));

    @BeforeAll
    static void organizations() {
        String owner = API.signupAndLogin("owner@matrix.example");
        TOKENS.put("owner", owner);
        API.createOrganization(owner, "matrix");
        for (String role : List.of("admin", "developer", "viewer", "bystander")) {
            String email = role + "@matrix.example";
            String token = API.signupAndLogin(email);
            API.addMember(owner, "matrix", email, token, role.equals("bystander") ? "viewer" : role);
            TOKENS.put(role, token);
        }
        bystanderId = API.userId(TOKENS.get("bystander"));
        API.post("/api/v1/orgs/matrix/projects", owner, Map.of("slug", "chat", "name", "Chat"));
        API.post("/api/v1/orgs/matrix/projects/chat/environments", owner, Map.of("name", "dev"));

        outsider = API.signupAndLogin("owner@elsewhere.example");
        API.createOrganization(outsider, "elsewhere");
        API.post("/api/v1/orgs/elsewhere/projects", outsider, Map.of("slug", "chat", "name", "Chat"));
        API.post("/api/v1/orgs/elsewhere/projects/chat/environments", outsider, Map.of("name", "dev"));
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
    void rolesBelowTheLeastAre403AndWriteNothing(Endpoint endpoint, String role) {
        int audit = API.count("audit_log");

        Reply reply = API.send(endpoint.method(), endpoint.url("matrix"), TOKENS.get(role), endpoint.body());

        assertEquals(403, reply.status(), reply.toString());
        assertEquals("permission_error", reply.json().at("/error/type").asText());
        assertTrue(reply.error().contains("needs the " + endpoint.least() + " role"), reply.error());
        assertTrue(reply.error().contains("your role in matrix is " + role), reply.error());
        assertEquals(audit, API.count("audit_log"));
    }

    static Stream<Endpoint> endpoints() {
        return ENDPOINTS.stream();
    }

    @ParameterizedTest(name = "another tenant's member gets 404 for {0}")
    @MethodSource("endpoints")
    void membersOfAnotherOrganizationGet404(Endpoint endpoint) {
        int audit = API.count("audit_log");

        Reply theirs = API.send(endpoint.method(), endpoint.url("matrix"), outsider, endpoint.body());
        Reply missing = API.send(endpoint.method(), endpoint.url("missing"), outsider, endpoint.body());
        Reply ownerElsewhere = API.send(endpoint.method(), endpoint.url("elsewhere"), TOKENS.get("owner"),
                endpoint.body());

        assertEquals(404, theirs.status(), theirs.toString());
        assertEquals("organization not found: matrix", theirs.error());
        assertEquals(missing.body().replace("missing", "matrix"), theirs.body());
        assertEquals(404, ownerElsewhere.status(), ownerElsewhere.toString());
        assertEquals(audit, API.count("audit_log"));
    }

    @ParameterizedTest(name = "no token: 401 for {0}")
    @MethodSource("endpoints")
    void anonymousCallersGet401(Endpoint endpoint) {
        Reply reply = API.send(endpoint.method(), endpoint.url("matrix"), null, endpoint.body());
        assertEquals(401, reply.status(), reply.toString());
    }

    static Stream<Arguments> reads() {
        List<Arguments> cases = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            if (e.method().equals("GET")) {
                for (String role : ROLES.subList(ROLES.indexOf(e.least()), ROLES.size())) {
                    cases.add(Arguments.of(e, role));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{1} may {0}")
    @MethodSource("reads")
    void rolesFromTheLeastUpMayRead(Endpoint endpoint, String role) {
        Reply reply = API.send("GET", endpoint.url("matrix"), TOKENS.get(role), null);
        assertEquals(200, reply.status(), reply.toString());
    }
}
