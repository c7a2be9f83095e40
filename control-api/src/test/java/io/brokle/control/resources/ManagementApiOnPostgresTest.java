package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.brokle.control.testing.PostgresTestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every statement of the management API once against PostgreSQL (the other resource tests run
 * on H2): one walk through accounts, organizations, members, invitations, projects, environments
 * and the audit log.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ManagementApiOnPostgresTest {
    private static final PostgresTestServer SERVER = PostgresTestServer.start();
    private static final ManagementApi API = ManagementApi.onPostgres(SERVER);
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;

    @AfterAll
    static void dropDatabase() {
        SERVER.close();
    }

    @Test
    void theWholeApiWorksOnPostgres() {
        String owner = API.signupAndLogin("owner@pg.example");
        String dev = API.signupAndLogin("dev@pg.example");
        assertEquals(409, API.post("/api/v1/auth/signup", null,
                Map.of("email", "owner@pg.example", "password", ManagementApi.PASSWORD)).status());
        API.createOrganization(owner, "pg");
        assertEquals(409, API.post("/api/v1/orgs", owner, Map.of("slug", "pg", "name", "again")).status());
        assertEquals(200, API.patch("/api/v1/orgs/pg", owner, Map.of("name", "Postgres")).status());

        Reply invitation = API.post("/api/v1/orgs/pg/invitations", owner, Map.of("email", "dev@pg.example", "role", "developer"));
        assertEquals(201, invitation.status(), invitation.toString());
        Reply revokeMe = API.post("/api/v1/orgs/pg/invitations", owner, Map.of("email", "x@pg.example", "role", "viewer"));
        assertEquals(200, API.delete("/api/v1/orgs/pg/invitations/" + revokeMe.json().get("id").asText(), owner).status());
        assertEquals(2, API.get("/api/v1/orgs/pg/invitations", owner).json().get("data").size());
        assertEquals(200, API.post("/api/v1/invitations/accept", dev,
                Map.of("token", invitation.json().get("token").asText())).status());
        String devId = API.userId(dev);
        assertEquals(200, API.patch("/api/v1/orgs/pg/members/" + devId, owner, Map.of("role", "admin")).status());
        assertEquals(409, API.patch("/api/v1/orgs/pg/members/" + API.userId(owner), owner, Map.of("role", "viewer")).status());

        assertEquals(201, API.post("/api/v1/orgs/pg/projects", dev, Map.of("slug", "chat", "name", "Chat")).status());
        assertEquals(409, API.post("/api/v1/orgs/pg/projects", dev, Map.of("slug", "chat", "name", "Chat")).status());
        assertEquals(200, API.patch("/api/v1/orgs/pg/projects/chat", dev, Map.of("name", "Chat bot")).status());
        assertEquals(201, API.post("/api/v1/orgs/pg/projects/chat/environments", dev, Map.of("name", "prod")).status());
        assertEquals(409, API.post("/api/v1/orgs/pg/projects/chat/environments", dev, Map.of("name", "prod")).status());
        assertEquals(409, API.delete("/api/v1/orgs/pg/projects/chat", dev).status());
        assertEquals(204, API.delete("/api/v1/orgs/pg/projects/chat/environments/prod", dev).status());
        assertEquals(204, API.delete("/api/v1/orgs/pg/projects/chat", dev).status());
        assertEquals(204, API.delete("/api/v1/orgs/pg/members/" + devId, owner).status());

        JsonNode audit = API.get("/api/v1/orgs/pg/audit?limit=3", owner).json();
        assertEquals("member.delete", audit.at("/data/0/action").asText());
        assertTrue(audit.get("has_more").asBoolean());
        assertEquals(2, API.get("/api/v1/orgs/pg/audit?target_type=environment", owner).json().get("data").size());
        assertEquals(1, API.get("/api/v1/orgs/pg/audit?action=invitation.revoke", owner).json().get("data").size());

        JsonNode tokens = API.login("owner@pg.example").json();
        Reply refreshed = API.post("/api/v1/auth/refresh", null, Map.of("refresh_token", tokens.get("refresh_token").asText()));
        assertEquals(200, refreshed.status(), refreshed.toString());
        String access = refreshed.json().get("access_token").asText();
        assertEquals("owner@pg.example", API.get("/api/v1/me", access).json().get("email").asText());
        assertEquals(204, API.post("/api/v1/auth/logout", access, null).status());
        assertEquals(401, API.get("/api/v1/me", access).status());
    }
}
