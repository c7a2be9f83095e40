package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.ArrayList;
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
 * Bad input to every endpoint that takes any, from a caller allowed to use it: 400 naming the
 * field (null for the body as a whole), a message that starts with the field, and no row written
 * in any table.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class BadInputTest {
    private static final ManagementApi API = ManagementApi.onH2(
            ConfigOverride.config("auth.loginAddressFreeFailures", "1000"));
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;
    private static final List<String> TABLES = List.of("users", "sessions", "organizations", "memberships",
            "invitations", "projects", "environments", "audit_log");

    private static String owner;

    @BeforeAll
    static void organization() {
        owner = API.signupAndLogin("owner@bad.example");
        API.createOrganization(owner, "acme");
        API.post("/api/v1/orgs/acme/projects", owner, Map.of("slug", "chat", "name", "Chat"));
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static Stream<Arguments> badRequests() {
        String pw = ManagementApi.PASSWORD;
        List<Arguments> cases = new ArrayList<>();
        // path, body, the field at fault (null: the body as a whole)
        Object[][] posts = {
                {"/api/v1/auth/signup", body("email", "a@b", "password", pw), "email"},
                {"/api/v1/auth/signup", body("email", "new@bad.example", "password", 12345), "password"},
                {"/api/v1/auth/login", body("email", "owner@bad.example"), "password"},
                {"/api/v1/auth/login", body("email", "nobody", "password", pw), "email"},
                {"/api/v1/auth/login", body("email", "owner@bad.example", "password", pw, "otp", "1"), "otp"},
                {"/api/v1/auth/refresh", body("refresh_token", ""), "refresh_token"},
                {"/api/v1/auth/refresh", body("refreshToken", "brs_x"), "refreshToken"},
                {"/api/v1/invitations/accept", body(), "token"},
                {"/api/v1/orgs", body("slug", "UPPER", "name", "x"), "slug"},
                {"/api/v1/orgs/acme/invitations", body("email", "x@example.com", "role", "god"), "role"},
                {"/api/v1/orgs/acme/invitations", body("email", "x@example.com"), "role"},
                {"/api/v1/orgs/acme/invitations", body("email", "not an email", "role", "viewer"), "email"},
                {"/api/v1/orgs/acme/projects", body("slug", "a_b", "name", "x"), "slug"},
                {"/api/v1/orgs/acme/projects", body("slug", "ok", "name", ""), "name"},
                {"/api/v1/orgs/acme/projects/chat/environments", body("name", ""), "name"},
                {"/api/v1/orgs/acme/projects/chat/environments", body("name", "x".repeat(64)), "name"},
                {"/api/v1/orgs/acme/projects/chat/environments", body("name", "dev", "region", "eu"), "region"},
        };
        for (Object[] p : posts) {
            cases.add(Arguments.of("POST", p[0], p[1], p[2]));
        }
        for (String path : List.of("/api/v1/auth/signup", "/api/v1/auth/login", "/api/v1/auth/refresh",
                "/api/v1/invitations/accept", "/api/v1/orgs", "/api/v1/orgs/acme/invitations",
                "/api/v1/orgs/acme/projects", "/api/v1/orgs/acme/projects/chat/environments")) {
            cases.add(Arguments.of("POST", path, "{not json", null));
            cases.add(Arguments.of("POST", path, "\"a string\"", null));
            cases.add(Arguments.of("POST", path, "", null));
        }
        for (String path : List.of("/api/v1/orgs/acme", "/api/v1/orgs/acme/projects/chat")) {
            cases.add(Arguments.of("PATCH", path, body("name", " "), "name"));
            cases.add(Arguments.of("PATCH", path, body("slug", "renamed"), "slug"));
            cases.add(Arguments.of("PATCH", path, "", null));
        }
        cases.add(Arguments.of("PATCH", "/api/v1/orgs/acme/members/42", body("role", "viewer"), "user"));
        cases.add(Arguments.of("PATCH", "/api/v1/orgs/acme/members/00000000-0000-0000-0000-000000000000",
                body("role", "root"), "role"));
        cases.add(Arguments.of("DELETE", "/api/v1/orgs/acme/members/me", null, "user"));
        cases.add(Arguments.of("DELETE", "/api/v1/orgs/acme/invitations/x", null, "invitation"));
        cases.add(Arguments.of("GET", "/api/v1/orgs/acme/audit?limit=0", null, "limit"));
        cases.add(Arguments.of("GET", "/api/v1/orgs/acme/audit?offset=-1", null, "offset"));
        cases.add(Arguments.of("GET", "/api/v1/orgs/acme/audit?limit=ten", null, "limit"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("badRequests")
    void badInputIs400NamingTheFieldAndWritesNothing(String method, String path, Object body, String param) {
        Map<String, Integer> before = new HashMap<>();
        TABLES.forEach(t -> before.put(t, API.count(t)));
        String token = path.startsWith("/api/v1/auth/") ? null : owner;

        Reply reply = API.send(method, path, token, body);

        assertEquals(400, reply.status(), reply.toString());
        assertNotNull(reply.json(), reply.body());
        assertEquals("invalid_request_error", reply.json().at("/error/type").asText());
        assertEquals(param, reply.param(), reply.toString());
        if (param != null) {
            assertEquals(param, reply.error().split(":")[0], reply.error());
        }
        assertFalse(reply.body().contains(ManagementApi.PASSWORD), reply.body());
        TABLES.forEach(t -> assertEquals(before.get(t), API.count(t), t));
    }
}
