package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What users of the key, provider, deployment and route endpoints rely on: a key's secret only
 * in the answer that made it (never in lists, reads or the audit log), revocation and rotation
 * with a grace period, write-only provider credentials, 409 for duplicates and for deleting
 * what something still uses, an audit row for every change, and a new snapshot version per change.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConfigurationResourceTest {
    private static final ManagementApi API = ManagementApi.onH2(ConfigurationRoleMatrixTest.CONTROL_PLANE);
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;
    private static final String CREDENTIAL = "sk-upstream-credential-abcd1234";

    private static String owner;
    private static int env = 0;

    @BeforeAll
    static void organization() {
        owner = API.signupAndLogin("owner@config.example");
        API.createOrganization(owner, "acme");
        API.post("/api/v1/orgs/acme/projects", owner, Map.of("slug", "chat", "name", "Chat"));
    }

    /** A fresh environment with a mock provider, deployment {@code d1} and route {@code demo}: its path. */
    private static String environment() {
        String name = "e" + (++env);
        ok(API.post("/api/v1/orgs/acme/projects/chat/environments", owner, Map.of("name", name)), 201);
        String base = "/api/v1/orgs/acme/projects/chat/environments/" + name;
        ok(API.post(base + "/providers", owner, Map.of("name", "mock", "kind", "mock")), 201);
        ok(API.post(base + "/deployments", owner, Map.of("name", "d1", "provider", "mock", "model", "m")), 201);
        ok(API.post(base + "/routes", owner, Map.of("model", "demo", "deployments", List.of("d1"))), 201);
        return base;
    }

    private static Reply ok(Reply reply, int status) {
        assertEquals(status, reply.status(), reply.toString());
        return reply;
    }

    private static String audit(String action) {
        return ok(API.get("/api/v1/orgs/acme/audit?limit=200&action=" + action, owner), 200).body();
    }

    private static long version(String base) {
        String id = ok(API.get(base, owner), 200).json().get("id").asText();
        return API.jdbi().withHandle(h -> h.createQuery("select version from environment_snapshots where environment_id = :e")
                .bind("e", java.util.UUID.fromString(id)).mapTo(Long.class).findOne().orElse(0L));
    }

    @Test
    void aKeysSecretIsShownOnceAndRevocationAndRotationWork() {
        String base = environment();
        long before = version(base);
        Reply created = ok(API.post(base + "/keys", owner, Map.of("name", "ci", "allowed_models", List.of("demo"),
                "metadata", Map.of("team", "search"), "tags", List.of("ci"))), 201);
        String secret = created.json().get("secret").asText();
        String id = created.json().get("id").asText();
        assertTrue(secret.startsWith("brk-"), secret);
        assertTrue(secret.startsWith(created.json().get("display_prefix").asText()));
        assertEquals(before + 1, version(base));

        Reply list = ok(API.get(base + "/keys", owner), 200);
        Reply one = ok(API.get(base + "/keys/" + id, owner), 200);
        assertFalse(list.body().contains(secret) || one.body().contains(secret) || audit("virtual_key.create").contains(secret));
        assertFalse(one.json().has("secret"), one.body());
        assertTrue(audit("virtual_key.create").contains(id));

        Reply patched = ok(API.patch(base + "/keys/" + id, owner, Map.of("name", "ci-2", "tags", List.of("ci", "nightly"))), 200);
        assertEquals("ci-2", patched.json().get("name").asText());
        assertEquals("[\"demo\"]", patched.json().get("allowed_models").toString(), "absent fields keep their value");
        assertEquals("search", patched.json().at("/metadata/team").asText());
        assertTrue(audit("virtual_key.update").contains("ci-2"));
        Reply expiring = ok(API.patch(base + "/keys/" + id, owner, Map.of("expires_at", "2027-01-01T00:00:00Z")), 200);
        assertEquals("2027-01-01T00:00:00Z", expiring.json().get("expires_at").asText());
        assertEquals("2027-01-01T00:00:00Z", ok(API.patch(base + "/keys/" + id, owner, Map.of("name", "ci-3")), 200)
                .json().get("expires_at").asText(), "absent: kept");
        assertTrue(ok(API.patch(base + "/keys/" + id, owner, "{\"expires_at\":null}"), 200).json().get("expires_at").isNull(),
                "null: removed");

        String rotatedSecret;
        Reply rotated = ok(API.post(base + "/keys/" + id + "/rotate", owner, Map.of("grace_seconds", 3600)), 201);
        rotatedSecret = rotated.json().get("secret").asText();
        assertNotEquals(secret, rotatedSecret);
        assertEquals("ci-3", rotated.json().get("name").asText());
        JsonNode old = ok(API.get(base + "/keys/" + id, owner), 200).json();
        assertEquals(rotated.json().get("id").asText(), old.get("replaced_by").asText());
        assertEquals(Instant.parse(old.get("rotated_at").asText()).plusSeconds(3600), Instant.parse(old.get("expires_at").asText()));
        assertFalse(audit("virtual_key.rotate").contains(rotatedSecret));
        assertEquals(409, API.post(base + "/keys/" + id + "/rotate", owner, Map.of()).status(), "rotated twice");

        String newId = rotated.json().get("id").asText();
        Reply revoked = ok(API.post(base + "/keys/" + newId + "/revoke", owner, null), 200);
        assertFalse(revoked.json().get("revoked_at").isNull());
        int rows = API.count("audit_log");
        ok(API.post(base + "/keys/" + newId + "/revoke", owner, null), 200);
        assertEquals(rows, API.count("audit_log"), "revoking a revoked key changes nothing");
        Reply again = API.post(base + "/keys/" + newId + "/rotate", owner, Map.of());
        assertEquals(409, again.status(), again.toString());
        assertTrue(again.error().contains("revoked"), again.error());
    }

    @Test
    void aProvidersCredentialIsWriteOnly() {
        String base = environment();
        Reply created = ok(API.post(base + "/providers", owner, Map.of("name", "openai", "kind", "openai",
                "base_url", "https://api.openai.com/v1", "credential", CREDENTIAL,
                "timeouts", Map.of("first_byte_ms", 30000))), 201);
        String id = created.json().get("id").asText();
        assertEquals("sk-...1234", created.json().get("credential_hint").asText());
        assertEquals(30000, created.json().at("/timeouts/first_byte_ms").asLong());
        assertEquals(5000, created.json().at("/timeouts/connect_ms").asLong());
        assertFalse(created.body().contains(CREDENTIAL));

        Reply renamed = ok(API.patch(base + "/providers/" + id, owner, Map.of("name", "openai-main")), 200);
        assertEquals("sk-...1234", renamed.json().get("credential_hint").asText(), "an absent credential is kept");
        assertEquals("https://api.openai.com/v1", renamed.json().get("base_url").asText());
        Reply cleared = ok(API.patch(base + "/providers/" + id, owner, Map.of("credential", "")), 200);
        assertTrue(cleared.json().get("credential_hint").isNull(), cleared.body());
        ok(API.patch(base + "/providers/" + id, owner, Map.of("credential", CREDENTIAL)), 200);

        String audit = audit("provider.update") + audit("provider.create");
        assertFalse(audit.contains(CREDENTIAL), audit);
        assertTrue(audit.contains("openai-main"), audit);
        assertFalse(ok(API.get(base + "/providers", owner), 200).body().contains(CREDENTIAL));

        Reply duplicate = API.post(base + "/providers", owner, Map.of("name", "mock", "kind", "mock"));
        assertEquals(409, duplicate.status(), duplicate.toString());
        assertEquals("name", duplicate.param());
        Reply taken = API.patch(base + "/providers/" + id, owner, Map.of("name", "mock"));
        assertEquals(409, taken.status(), taken.toString());

        ok(API.post(base + "/deployments", owner, Map.of("name", "gpt", "provider", "openai-main", "model", "gpt-4o")), 201);
        int rows = API.count("providers");
        Reply used = API.delete(base + "/providers/" + id, owner);
        assertEquals(409, used.status(), used.toString());
        assertTrue(used.error().contains("gpt"), used.error());
        assertEquals(rows, API.count("providers"));
        ok(API.delete(base + "/deployments/gpt", owner), 204);
        ok(API.delete(base + "/providers/" + id, owner), 204);
        assertEquals(404, API.get(base + "/providers/" + id, owner).status());
        assertTrue(audit("provider.delete").contains(id));
    }

    @Test
    void deploymentsAndRoutesCarryStrategiesFallbacksPricesAndTimeouts() {
        String base = environment();
        Reply deployment = ok(API.post(base + "/deployments", owner, Map.of("name", "eu/fast", "provider", "mock",
                "model", "m-eu", "weight", 3, "price", Map.of("input", 2.5, "output", 10),
                "timeouts", Map.of("total_ms", 60000))), 201);
        assertEquals(2.5, deployment.json().at("/price/input").asDouble());
        assertEquals(60000, deployment.json().at("/timeouts/total_ms").asLong());
        assertEquals(3, ok(API.get(base + "/deployments/eu/fast", owner), 200).json().get("weight").asInt());
        Reply duplicate = API.post(base + "/deployments", owner, Map.of("name", "d1", "provider", "mock", "model", "x"));
        assertEquals(409, duplicate.status(), duplicate.toString());

        Reply route = ok(API.post(base + "/routes", owner, Map.of("model", "openai/gpt-4o",
                "deployments", List.of("eu/fast", "d1"), "strategy", "priority", "fallbacks", List.of("demo"),
                "max_attempts", 5)), 201);
        assertEquals("priority", route.json().get("strategy").asText());
        JsonNode read = ok(API.get(base + "/routes/openai/gpt-4o", owner), 200).json();
        assertEquals("[\"demo\"]", read.get("fallbacks").toString());
        assertEquals(5, read.get("max_attempts").asInt());
        JsonNode changed = ok(API.patch(base + "/routes/openai/gpt-4o", owner, Map.of("max_attempts", 2)), 200).json();
        assertEquals("[\"eu/fast\",\"d1\"]", changed.get("deployments").toString(), "absent fields keep their value");
        assertEquals(2, changed.get("max_attempts").asInt());
        assertEquals(409, API.post(base + "/routes", owner, Map.of("model", "demo", "deployments", List.of("d1"))).status());

        long version = version(base);
        Reply inUse = API.delete(base + "/deployments/eu/fast", owner);
        assertEquals(409, inUse.status(), inUse.toString());
        assertTrue(inUse.error().contains("openai/gpt-4o"), inUse.error());
        Reply fallenBackTo = API.delete(base + "/routes/demo", owner);
        assertEquals(409, fallenBackTo.status(), fallenBackTo.toString());
        assertEquals(version, version(base), "refused changes publish nothing");

        ok(API.post(base + "/keys", owner, Map.of("name", "limited", "allowed_models", List.of("openai/gpt-4o"))), 201);
        Reply limited = API.delete(base + "/routes/openai/gpt-4o", owner);
        assertEquals(409, limited.status(), limited.toString());
        assertTrue(limited.error().contains("virtual key"), limited.error());

        ok(API.patch(base + "/deployments/eu/fast", owner, Map.of("weight", 0)), 200);
        assertEquals(0, ok(API.get(base + "/deployments/eu/fast", owner), 200).json().get("weight").asInt());
        assertEquals(2.5, ok(API.get(base + "/deployments/eu/fast", owner), 200).json().at("/price/input").asDouble());
        assertTrue(audit("route.update").contains("openai/gpt-4o"));
        assertTrue(audit("deployment.update").contains("eu/fast"));
        assertEquals(404, API.get(base + "/routes/missing", owner).status());
        assertEquals(404, API.delete(base + "/deployments/missing", owner).status());
    }
}
