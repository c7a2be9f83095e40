package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Organizations, projects, environments, members, invitations and the audit log over HTTP. */
@ExtendWith(DropwizardExtensionsSupport.class)
class OrganizationResourceTest {
    private static final ManagementApi API = ManagementApi.onH2(
            ConfigOverride.config("auth.loginAddressFreeFailures", "1000"));
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String user() {
        String email = unique("user") + "@example.com";
        return API.signupAndLogin(email);
    }

    private static String email(String token) {
        return API.get("/api/v1/me", token).json().get("email").asText();
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.get(field).asText()));
        return out;
    }

    @Test
    void theCreatorOwnsANewOrganizationAndCanRenameIt() {
        String owner = user();
        String slug = unique("acme");

        Reply created = API.post("/api/v1/orgs", owner, Map.of("slug", slug, "name", " ACME Inc. "));
        assertEquals(201, created.status(), created.toString());
        assertEquals("owner", created.json().get("role").asText());
        assertEquals("ACME Inc.", created.json().get("name").asText());

        Reply mine = API.get("/api/v1/orgs", owner);
        assertEquals("list", mine.json().get("object").asText());
        assertEquals(List.of(slug), texts(mine.json().get("data"), "slug"));
        assertEquals("owner", API.get("/api/v1/orgs/" + slug + "/members", owner).json().at("/data/0/role").asText());

        Reply renamed = API.patch("/api/v1/orgs/" + slug, owner, Map.of("name", "ACME Corporation"));
        assertEquals(200, renamed.status(), renamed.toString());
        assertEquals("ACME Corporation", API.get("/api/v1/orgs/" + slug, owner).json().get("name").asText());
        assertEquals(slug, renamed.json().get("slug").asText());

        JsonNode audit = API.get("/api/v1/orgs/" + slug + "/audit", owner).json().get("data");
        assertEquals(List.of("organization.update", "organization.create"), texts(audit, "action"));
        assertEquals("ACME Inc.", audit.at("/0/before/name").asText());
        assertEquals("ACME Corporation", audit.at("/0/after/name").asText());
        assertEquals(email(owner), audit.at("/0/actor").asText());
        assertEquals(API.userId(owner), audit.at("/0/actor_id").asText());
        assertEquals("organization:" + created.json().get("id").asText(), audit.at("/0/target").asText());
    }

    @Test
    void slugsAreUniqueAndBadInputIs400WithNothingWritten() {
        String owner = user();
        String slug = unique("taken");
        API.createOrganization(owner, slug);
        int organizations = API.count("organizations");
        int audit = API.count("audit_log");

        Reply taken = API.post("/api/v1/orgs", owner, Map.of("slug", slug, "name", "Again"));
        assertEquals(409, taken.status(), taken.toString());
        assertEquals("slug", taken.param());

        Object[][] bad = {
                {Map.of("slug", "Not A Slug", "name", "x"), "slug"},
                {Map.of("slug", "-dash", "name", "x"), "slug"},
                {Map.of("slug", "x".repeat(64), "name", "x"), "slug"},
                {Map.of("name", "x"), "slug"},
                {Map.of("slug", unique("ok"), "name", "   "), "name"},
                {Map.of("slug", unique("ok")), "name"},
                {Map.of("slug", unique("ok"), "name", "x".repeat(201)), "name"},
                {Map.of("slug", unique("ok"), "name", "bell\u0007"), "name"},
                {Map.of("slug", unique("ok"), "name", "x", "owner", "me"), "owner"},
        };
        for (Object[] c : bad) {
            Reply reply = API.post("/api/v1/orgs", owner, c[0]);
            assertEquals(400, reply.status(), c[0] + " -> " + reply);
            assertEquals(c[1], reply.param(), c[0] + " -> " + reply);
            assertTrue(reply.error().startsWith((String) c[1]), reply.error());
        }
        Reply rename = API.patch("/api/v1/orgs/" + slug, owner, Map.of("name", ""));
        assertEquals(400, rename.status());
        assertEquals(400, API.patch("/api/v1/orgs/" + slug, owner, null).status());
        assertEquals(organizations, API.count("organizations"));
        assertEquals(audit, API.count("audit_log"));
        assertEquals(slug.toUpperCase(), API.get("/api/v1/orgs/" + slug, owner).json().get("name").asText());
    }

    @Test
    void anotherOrganizationLooksTheSameAsOneThatDoesNotExist() {
        String owner = user();
        String stranger = user();
        String slug = unique("private");
        API.createOrganization(owner, slug);
        API.post("/api/v1/orgs/" + slug + "/projects", owner, Map.of("slug", "chat", "name", "Chat"));

        Reply theirs = API.get("/api/v1/orgs/" + slug, stranger);
        Reply none = API.get("/api/v1/orgs/no-such-org", stranger);
        assertEquals(404, theirs.status());
        assertEquals(404, none.status());
        assertEquals("organization not found: " + slug, theirs.error());
        assertEquals("not_found", theirs.json().at("/error/code").asText());
        for (Reply r : List.of(
                API.get("/api/v1/orgs/" + slug + "/projects", stranger),
                API.get("/api/v1/orgs/" + slug + "/projects/chat", stranger),
                API.patch("/api/v1/orgs/" + slug, stranger, Map.of("name", "mine now")),
                API.get("/api/v1/orgs/" + slug + "/audit", stranger),
                API.post("/api/v1/orgs/" + slug + "/invitations", stranger, Map.of("email", "x@example.com", "role", "owner")))) {
            assertEquals(404, r.status(), r.toString());
            assertEquals("organization not found: " + slug, r.error());
        }
        assertEquals(0, API.get("/api/v1/orgs", stranger).json().get("data").size());
    }

    @Test
    void projectsAndEnvironmentsLiveInsideTheirOrganization() {
        String owner = user();
        String org = unique("tenancy");
        API.createOrganization(owner, org);
        String projects = "/api/v1/orgs/" + org + "/projects";

        Reply project = API.post(projects, owner, Map.of("slug", "chat", "name", "Chat"));
        assertEquals(201, project.status(), project.toString());
        assertEquals(409, API.post(projects, owner, Map.of("slug", "chat", "name", "Chat again")).status());
        assertEquals(201, API.post(projects, owner, Map.of("slug", "agents", "name", "Agents")).status());
        assertEquals(List.of("agents", "chat"), texts(API.get(projects, owner).json().get("data"), "slug"));
        assertEquals(200, API.patch(projects + "/chat", owner, Map.of("name", "Chat bot")).status());
        assertEquals("Chat bot", API.get(projects + "/chat", owner).json().get("name").asText());
        assertEquals(404, API.get(projects + "/nope", owner).status());

        for (String env : List.of("prod", "dev", "staging")) {
            Reply created = API.post(projects + "/chat/environments", owner, Map.of("name", env));
            assertEquals(201, created.status(), created.toString());
            assertEquals(project.json().get("id"), created.json().get("project_id"));
        }
        Reply duplicate = API.post(projects + "/chat/environments", owner, Map.of("name", "dev"));
        assertEquals(409, duplicate.status());
        assertEquals("name", duplicate.param());
        assertEquals(201, API.post(projects + "/agents/environments", owner, Map.of("name", "dev")).status());
        assertEquals(List.of("dev", "prod", "staging"),
                texts(API.get(projects + "/chat/environments", owner).json().get("data"), "name"));
        assertEquals("dev", API.get(projects + "/chat/environments/dev", owner).json().get("name").asText());
        assertEquals(404, API.get(projects + "/chat/environments/qa", owner).status());
        Reply badEnv = API.post(projects + "/chat/environments", owner, Map.of("name", "Prod!"));
        assertEquals(400, badEnv.status());
        assertEquals("name", badEnv.param());

        Reply notEmpty = API.delete(projects + "/chat", owner);
        assertEquals(409, notEmpty.status(), notEmpty.toString());
        for (String env : List.of("dev", "prod", "staging")) {
            assertEquals(204, API.delete(projects + "/chat/environments/" + env, owner).status());
        }
        assertEquals(204, API.delete(projects + "/chat", owner).status());
        assertEquals(404, API.get(projects + "/chat", owner).status());

        JsonNode audit = API.get("/api/v1/orgs/" + org + "/audit?action=environment.create", owner).json().get("data");
        assertEquals(4, audit.size());
        assertTrue(audit.at("/0/environment_id").isTextual(), audit.toString());
        assertTrue(audit.at("/0/project_id").isTextual(), audit.toString());
        JsonNode deleted = API.get("/api/v1/orgs/" + org + "/audit?target_type=project&action=project.delete", owner)
                .json().get("data");
        assertEquals(1, deleted.size());
        assertEquals("chat", deleted.at("/0/before/slug").asText());
        assertTrue(deleted.at("/0/after").isNull());
    }

    @Test
    void invitationsAreShownOnceAcceptedByTheInvitedEmailAndEnd() {
        String owner = user();
        String invitee = user();
        String other = user();
        String org = unique("invites");
        API.createOrganization(owner, org);
        String invitations = "/api/v1/orgs/" + org + "/invitations";
        String ownerEmail = email(owner);

        Reply invited = API.post(invitations, owner, Map.of("email", email(invitee).toUpperCase(), "role", "developer"));
        assertEquals(201, invited.status(), invited.toString());
        String token = invited.json().get("token").asText();
        assertTrue(token.startsWith("bri_"), token);
        assertEquals("pending", invited.json().get("state").asText());
        JsonNode listed = API.get(invitations, owner).json().get("data");
        assertFalse(listed.get(0).has("token"), listed.toString());
        assertFalse(API.get("/api/v1/orgs/" + org + "/audit", owner).body().contains(token));

        Reply wrongPerson = API.post("/api/v1/invitations/accept", other, Map.of("token", token));
        assertEquals(403, wrongPerson.status(), wrongPerson.toString());
        assertEquals(404, API.post("/api/v1/invitations/accept", invitee, Map.of("token", "bri_nope")).status());

        Reply accepted = API.post("/api/v1/invitations/accept", invitee, Map.of("token", token));
        assertEquals(200, accepted.status(), accepted.toString());
        assertEquals("developer", accepted.json().get("role").asText());
        assertEquals(org, API.get("/api/v1/me", invitee).json().at("/organizations/0/slug").asText());
        assertEquals(409, API.post("/api/v1/invitations/accept", invitee, Map.of("token", token)).status());
        Reply again = API.post(invitations, owner, Map.of("email", email(invitee), "role", "viewer"));
        assertEquals(409, again.status(), again.toString());

        // revoked and expired invitations cannot be accepted
        Reply revokedOne = API.post(invitations, owner, Map.of("email", email(other), "role", "viewer"));
        String revokedId = revokedOne.json().get("id").asText();
        Reply revoked = API.delete(invitations + "/" + revokedId, owner);
        assertEquals(200, revoked.status(), revoked.toString());
        assertEquals("revoked", revoked.json().get("state").asText());
        assertEquals(409, API.delete(invitations + "/" + revokedId, owner).status());
        assertEquals(409, API.post("/api/v1/invitations/accept", other,
                Map.of("token", revokedOne.json().get("token").asText())).status());
        Reply expiring = API.post(invitations, owner, Map.of("email", email(other), "role", "viewer"));
        API.clock.advance(Duration.ofDays(7));
        String otherEmail = revokedOne.json().get("email").asText();
        String otherNow = API.login(otherEmail).json().get("access_token").asText();
        Reply late = API.post("/api/v1/invitations/accept", otherNow, Map.of("token", expiring.json().get("token").asText()));
        assertEquals(409, late.status(), late.toString());
        assertTrue(late.error().contains("expired"), late.error());
        String ownerNow = API.login(ownerEmail).json().get("access_token").asText();
        assertEquals(404, API.delete(invitations + "/" + UUID.randomUUID(), ownerNow).status());
        assertEquals(400, API.delete(invitations + "/not-a-uuid", ownerNow).status());
    }

    @Test
    void roleChangesFollowTheRulesAndAnOrganizationKeepsAnOwner() {
        String owner = user();
        String admin = user();
        String dev = user();
        String org = unique("roles");
        API.createOrganization(owner, org);
        API.addMember(owner, org, email(admin), admin, "admin");
        API.addMember(owner, org, email(dev), dev, "developer");
        String members = "/api/v1/orgs/" + org + "/members/";
        String ownerId = API.userId(owner);
        String adminId = API.userId(admin);
        String devId = API.userId(dev);

        // the last owner can neither be demoted nor removed, even by itself
        Reply demote = API.patch(members + ownerId, owner, Map.of("role", "admin"));
        assertEquals(409, demote.status(), demote.toString());
        assertEquals(409, API.delete(members + ownerId, owner).status());
        // nobody raises their own role
        Reply raise = API.patch(members + devId, dev, Map.of("role", "admin"));
        assertEquals(403, raise.status(), raise.toString());
        assertEquals("nobody can raise their own role", raise.error());
        assertEquals(403, API.patch(members + adminId, admin, Map.of("role", "owner")).status());
        // admins manage up to admin, never owners, and cannot grant owner
        assertEquals(403, API.patch(members + devId, admin, Map.of("role", "owner")).status());
        assertEquals(403, API.patch(members + ownerId, admin, Map.of("role", "viewer")).status());
        assertEquals(403, API.delete(members + ownerId, admin).status());
        assertEquals(403, API.post("/api/v1/orgs/" + org + "/invitations", admin,
                Map.of("email", "boss@example.com", "role", "owner")).status());
        Reply promoted = API.patch(members + devId, admin, Map.of("role", "admin"));
        assertEquals(200, promoted.status(), promoted.toString());
        assertEquals("admin", promoted.json().get("role").asText());
        // bad input
        Reply badRole = API.patch(members + devId, admin, Map.of("role", "superuser"));
        assertEquals(400, badRole.status());
        assertEquals("role", badRole.param());
        assertEquals(400, API.patch(members + "not-a-uuid", admin, Map.of("role", "viewer")).status());
        assertEquals(404, API.patch(members + UUID.randomUUID(), admin, Map.of("role", "viewer")).status());

        // with a second owner, the first may step down
        assertEquals(200, API.patch(members + adminId, owner, Map.of("role", "owner")).status());
        assertEquals(200, API.patch(members + ownerId, owner, Map.of("role", "viewer")).status());
        assertEquals(403, API.patch("/api/v1/orgs/" + org, owner, Map.of("name", "viewers cannot")).status());
        // members may leave; the new owner removes an admin
        assertEquals(204, API.delete(members + ownerId, owner).status());
        assertEquals(404, API.get("/api/v1/orgs/" + org, owner).status());
        assertEquals(204, API.delete(members + devId, admin).status());
        assertEquals(List.of(email(admin)), texts(API.get("/api/v1/orgs/" + org + "/members", admin).json().get("data"), "email"));

        JsonNode audit = API.get("/api/v1/orgs/" + org + "/audit?target_type=member&limit=2", admin).json();
        assertEquals(2, audit.get("data").size());
        assertTrue(audit.get("has_more").asBoolean());
        assertEquals("member.delete", audit.at("/data/0/action").asText());
        assertEquals("admin", audit.at("/data/0/before/role").asText());
        assertNull(audit.at("/data/0/after").textValue());
        JsonNode next = API.get("/api/v1/orgs/" + org + "/audit?target_type=member&limit=2&offset=2", admin).json();
        assertEquals("member.update", next.at("/data/0/action").asText());
        Reply badLimit = API.get("/api/v1/orgs/" + org + "/audit?limit=500", admin);
        assertEquals(400, badLimit.status());
        assertEquals("limit", badLimit.param());
    }

    @Test
    void theOpenApiDocumentIsServed() {
        Reply doc = API.get("/api/v1/openapi.yaml", null);
        assertEquals(200, doc.status());
        assertTrue(doc.raw().headers().firstValue("content-type").orElse("").startsWith("application/yaml"));
        assertTrue(doc.body().startsWith("openapi: 3."), doc.body().substring(0, 40));
    }
}
