package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.brokle.control.testing.PostgresTestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every statement behind the key, provider, deployment and route endpoints once against
 * PostgreSQL (their other tests run on H2): one walk through each collection, with the audit
 * rows written in the changes' transactions.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ConfigurationApiOnPostgresTest {
    private static final PostgresTestServer SERVER = PostgresTestServer.start();
    private static final ManagementApi API = ManagementApi.onPostgres(SERVER, ConfigurationRoleMatrixTest.CONTROL_PLANE);
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;

    @AfterAll
    static void dropDatabase() {
        SERVER.close();
    }

    private static Reply expect(int status, Reply reply) {
        assertEquals(status, reply.status(), reply.toString());
        return reply;
    }

    @Test
    void theConfigurationApiWorksOnPostgres() {
        String owner = API.signupAndLogin("owner@pg-config.example");
        API.createOrganization(owner, "pg");
        expect(201, API.post("/api/v1/orgs/pg/projects", owner, Map.of("slug", "chat", "name", "Chat")));
        expect(201, API.post("/api/v1/orgs/pg/projects/chat/environments", owner, Map.of("name", "prod")));
        String e = "/api/v1/orgs/pg/projects/chat/environments/prod";

        String provider = expect(201, API.post(e + "/providers", owner, Map.of("name", "openai", "kind", "openai",
                "base_url", "https://api.openai.com/v1", "credential", "sk-postgres-credential-9876"))).json().get("id").asText();
        expect(200, API.patch(e + "/providers/" + provider, owner, Map.of("enabled", false)));
        expect(201, API.post(e + "/deployments", owner, Map.of("name", "gpt", "provider", "openai", "model", "gpt-4o",
                "price", Map.of("input", 2.5, "output", 10))));
        expect(200, API.patch(e + "/deployments/gpt", owner, Map.of("weight", 2)));
        expect(201, API.post(e + "/routes", owner, Map.of("model", "chat", "deployments", List.of("gpt"))));
        expect(200, API.patch(e + "/routes/chat", owner, Map.of("strategy", "priority")));
        Reply key = expect(201, API.post(e + "/keys", owner, Map.of("name", "app", "allowed_models", List.of("chat"))));
        String id = key.json().get("id").asText();
        expect(200, API.patch(e + "/keys/" + id, owner, Map.of("tags", List.of("pg"))));
        String next = expect(201, API.post(e + "/keys/" + id + "/rotate", owner, Map.of("grace_seconds", 60)))
                .json().get("id").asText();
        expect(200, API.post(e + "/keys/" + next + "/revoke", owner, null));
        expect(409, API.delete(e + "/deployments/gpt", owner));
        expect(409, API.delete(e + "/providers/" + provider, owner));
        expect(400, API.post(e + "/keys", owner, Map.of("name", "k", "allowed_models", List.of("missing"))));
        assertEquals(2, expect(200, API.get(e + "/keys", owner)).json().get("data").size());

        Reply audit = expect(200, API.get("/api/v1/orgs/pg/audit?limit=200", owner));
        for (String action : List.of("provider.create", "provider.update", "deployment.create", "deployment.update",
                "route.create", "route.update", "virtual_key.create", "virtual_key.update", "virtual_key.rotate",
                "virtual_key.revoke")) {
            assertTrue(audit.body().contains("\"" + action + "\""), action);
        }
        assertTrue(!audit.body().contains("sk-postgres-credential-9876") && !audit.body().contains(key.json().get("secret").asText()));
    }
}
