package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
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
 * Bad input to every key, provider, deployment and route endpoint that takes any, from its
 * owner: 400 naming the field (snake_case, as in the request; null for the body as a whole), a
 * message starting with it, no secret echoed, and nothing written: no row, no audit entry, no
 * new snapshot version.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConfigurationBadInputTest {
    private static final ManagementApi API = ManagementApi.onH2(ConfigurationRoleMatrixTest.CONTROL_PLANE);
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;
    private static final List<String> TABLES = List.of("virtual_keys", "providers", "deployments", "routes", "audit_log");
    private static final String ENV = "/api/v1/orgs/acme/projects/chat/environments/dev";
    private static final String SECRET = "sk-never-echo-this-credential-1234";

    private static String owner;
    private static String key;
    private static String provider;

    @BeforeAll
    static void environment() {
        owner = API.signupAndLogin("owner@config-bad.example");
        API.createOrganization(owner, "acme");
        API.post("/api/v1/orgs/acme/projects", owner, Map.of("slug", "chat", "name", "Chat"));
        API.post("/api/v1/orgs/acme/projects/chat/environments", owner, Map.of("name", "dev"));
        provider = API.post(ENV + "/providers", owner, Map.of("name", "mock", "kind", "mock")).json().get("id").asText();
        API.post(ENV + "/deployments", owner, Map.of("name", "d1", "provider", "mock", "model", "m"));
        API.post(ENV + "/routes", owner, Map.of("model", "demo", "deployments", List.of("d1")));
        key = API.post(ENV + "/keys", owner, Map.of("name", "k")).json().get("id").asText();
    }

    private static Map<String, Object> body(Object... pairs) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    static Stream<Arguments> badRequests() {
        List<Arguments> cases = new ArrayList<>();
        String k = "/keys/{key}";
        String p = "/providers/{provider}";
        // method, path under the environment, body, the field at fault (null: the body as a whole)
        Object[][] table = {
                {"POST", "/keys", body("name", ""), "name"},
                {"POST", "/keys", body("name", "k", "tags", List.of("has space")), "tags[0]"},
                {"POST", "/keys", body("name", "k", "expires_at", "2020-01-01T00:00:00Z"), "expires_at"},
                {"POST", "/keys", body("name", "k", "expires_at", "tomorrow"), "expires_at"},
                {"POST", "/keys", body("name", "k", "allowed_models", List.of("demo", "demo")), "allowed_models[1]"},
                {"POST", "/keys", body("name", "k", "role", "admin"), "role"},
                {"POST", "/keys", body("name", "k", "metadata", Map.of("team", "x".repeat(600))), "metadata.team"},
                {"PATCH", k, body("tags", List.of("")), "tags[0]"},
                {"PATCH", k, body("secret", "brk-mine"), "secret"},
                {"PATCH", k, body("name", " "), "name"},
                {"POST", k + "/rotate", body("grace_seconds", -1), "grace_seconds"},
                {"POST", k + "/rotate", body("grace_seconds", 2_592_001), "grace_seconds"},
                {"POST", k + "/rotate", body("grace", 60), "grace"},
                {"GET", "/keys/not-an-id", null, "key"},
                {"POST", "/keys/not-an-id/revoke", null, "key"},
                {"POST", "/providers", body("name", "has space", "kind", "mock"), "name"},
                {"POST", "/providers", body("name", "p", "kind", "nope"), "kind"},
                {"POST", "/providers", body("name", "p", "kind", "openai"), "base_url"},
                {"POST", "/providers", body("name", "p", "kind", "openai", "base_url", "ftp://x.example"), "base_url"},
                {"POST", "/providers", body("name", "p", "kind", "azure", "base_url", "https://x.example",
                        "credential", SECRET), "api_version"},
                {"POST", "/providers", body("name", "p", "kind", "mock", "timeouts", Map.of("connect_ms", 0)),
                        "timeouts.connect_ms"},
                {"POST", "/providers", body("name", "p", "kind", "mock", "credential", SECRET), "credential"},
                {"PATCH", p, body("kind", "openai"), "kind"},
                {"PATCH", p, body("base_url", "https://api.example"), "base_url"},
                {"GET", "/providers/42", null, "provider"},
                {"POST", "/deployments", body("name", "d", "provider", "nope", "model", "m"), "provider"},
                {"POST", "/deployments", body("name", "d", "provider", "mock", "model", ""), "model"},
                {"POST", "/deployments", body("name", "d", "provider", "mock", "model", "m", "weight", -1), "weight"},
                {"POST", "/deployments", body("name", "d", "provider", "mock", "model", "m", "price", Map.of("input", 1)),
                        "price.output"},
                {"POST", "/deployments", body("name", "d", "provider", "mock", "model", "m",
                        "price", Map.of("input", -1, "output", 1)), "price.input"},
                {"PATCH", "/deployments/d1", body("weight", 2_000_000), "weight"},
                {"PATCH", "/deployments/d1", body("name", "d2"), "name"},
                {"POST", "/routes", body("model", "r", "deployments", List.of()), "deployments"},
                {"POST", "/routes", body("model", "r", "deployments", List.of("d1"), "strategy", "random"), "strategy"},
                {"POST", "/routes", body("model", "r", "deployments", List.of("d1"), "max_attempts", 11), "max_attempts"},
                {"POST", "/routes", body("model", "", "deployments", List.of("d1")), "model"},
                {"PATCH", "/routes/demo", body("model", "other"), "model"},
                {"PATCH", "/routes/demo", body("max_attempts", 0), "max_attempts"},
        };
        for (Object[] c : table) {
            cases.add(Arguments.of(c[0], c[1], c[2], c[3]));
        }
        for (String[] post : new String[][] {{"POST", "/keys"}, {"PATCH", k}, {"POST", "/providers"}, {"PATCH", p},
                {"POST", "/deployments"}, {"PATCH", "/deployments/d1"}, {"POST", "/routes"}, {"PATCH", "/routes/demo"}}) {
            cases.add(Arguments.of(post[0], post[1], "{not json", null));
            cases.add(Arguments.of(post[0], post[1], "", null));
        }
        return cases.stream();
    }

    private static long snapshotVersions() {
        return API.jdbi().withHandle(h -> h.createQuery("select coalesce(sum(version), 0) from environment_snapshots")
                .mapTo(Long.class).one());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("badRequests")
    void badInputIs400NamingTheFieldAndWritesNothing(String method, String path, Object body, String param) {
        Map<String, Integer> before = new HashMap<>();
        TABLES.forEach(t -> before.put(t, API.count(t)));
        long versions = snapshotVersions();

        Reply reply = API.send(method, ENV + path.replace("{key}", key).replace("{provider}", provider), owner, body);

        assertEquals(400, reply.status(), reply.toString());
        assertNotNull(reply.json(), reply.body());
        assertEquals("invalid_request_error", reply.json().at("/error/type").asText());
        assertEquals(param, reply.param(), reply.toString());
        if (param != null) {
            assertEquals(param, reply.error().split(":")[0], reply.error());
        }
        assertFalse(reply.body().contains(SECRET), reply.body());
        TABLES.forEach(t -> assertEquals(before.get(t), API.count(t), t));
        assertEquals(versions, snapshotVersions());
    }
}
