package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.control.auth.PasswordHasher;
import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sign-up, login, tokens, refresh, logout and {@code /me} over HTTP against the whole app. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AuthResourceTest {
    // Many tests log in from 127.0.0.1; the address lockout has its own test class.
    private static final ManagementApi API = ManagementApi.onH2(
            ConfigOverride.config("auth.loginAddressFreeFailures", "1000"));
    @SuppressWarnings("unused")
    private static final io.dropwizard.testing.junit5.DropwizardAppExtension<?> APP = API.app;

    private static String email() {
        return "user-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void signupThenLoginGivesTokensThatOpenMe() {
        String email = email();
        Reply signup = API.post("/api/v1/auth/signup", null, Map.of("email", "  " + email.toUpperCase() + " ",
                "password", ManagementApi.PASSWORD));
        assertEquals(201, signup.status(), signup.toString());
        assertEquals(email, signup.json().get("email").asText());
        assertFalse(signup.body().contains("argon2"), signup.body());

        Reply login = API.login(email);
        assertEquals(200, login.status(), login.toString());
        JsonNode tokens = login.json();
        assertEquals("no-store", login.raw().headers().firstValue("Cache-Control").orElse(""));
        assertEquals("Bearer", tokens.get("token_type").asText());
        assertEquals(900, tokens.get("expires_in").asLong());
        assertTrue(tokens.get("refresh_token").asText().startsWith("brs_"));

        Reply me = API.get("/api/v1/me", tokens.get("access_token").asText());
        assertEquals(200, me.status(), me.toString());
        assertEquals(email, me.json().get("email").asText());
        assertEquals(signup.json().get("id"), me.json().get("id"));
        assertEquals(tokens.get("session_id"), me.json().get("session_id"));
        assertEquals(0, me.json().get("organizations").size());
        // times are ISO-8601 strings in UTC, from the application's clock
        assertTrue(java.time.Instant.parse(me.json().get("created_at").asText()).isAfter(ManagementApi.START));
        assertTrue(me.json().get("created_at").asText().endsWith("Z"));
    }

    @Test
    void passwordsAreStoredAsArgon2idAndSecretsNeverInTheDatabaseOrAuditLog() {
        String email = email();
        Reply login = API.post("/api/v1/auth/signup", null, Map.of("email", email, "password", ManagementApi.PASSWORD));
        assertEquals(201, login.status());
        JsonNode tokens = API.login(email).json();

        String hash = API.jdbi().withHandle(h -> h.createQuery("select password_hash from users where email = :e")
                .bind("e", email).mapTo(String.class).one());
        assertTrue(hash.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), hash);
        List<String> audit = API.jdbi().withHandle(h -> h.createQuery(
                "select coalesce(before_json, '') || coalesce(after_json, '') from audit_log").mapTo(String.class).list());
        String all = String.join("\n", audit) + API.jdbi().withHandle(h -> h.createQuery(
                "select secret_hash from sessions").mapTo(String.class).list()).toString();
        assertFalse(all.contains(ManagementApi.PASSWORD), all);
        assertFalse(all.contains(tokens.get("refresh_token").asText()), all);
        assertFalse(all.contains(tokens.get("access_token").asText()), all);
        assertFalse(all.contains("argon2"), all);
    }

    @Test
    void aLoginReplacesAHashMadeWithOtherParameters() {
        String email = email();
        API.signupAndLogin(email);
        String old = new PasswordHasher(new PasswordHasher.Parameters(128, 1, 1), new SecureRandom())
                .hash(ManagementApi.PASSWORD);
        API.jdbi().useHandle(h -> h.createUpdate("update users set password_hash = :h where email = :e")
                .bind("h", old).bind("e", email).execute());

        assertEquals(200, API.login(email).status());

        String now = API.jdbi().withHandle(h -> h.createQuery("select password_hash from users where email = :e")
                .bind("e", email).mapTo(String.class).one());
        assertTrue(now.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), now);
        assertEquals(200, API.login(email).status());
    }

    @Test
    void aTakenEmailIsAConflictAndWritesNothing() {
        String email = email();
        API.signupAndLogin(email);
        int users = API.count("users");
        int audit = API.count("audit_log");

        Reply again = API.post("/api/v1/auth/signup", null, Map.of("email", email, "password", "another password"));

        assertEquals(409, again.status(), again.toString());
        assertEquals("email", again.param());
        assertEquals(users, API.count("users"));
        assertEquals(audit, API.count("audit_log"));
    }

    @Test
    void badSignupsAre400NamingTheFieldAndWriteNothing() {
        int users = API.count("users");
        int audit = API.count("audit_log");
        List<Object[]> cases = List.of(
                new Object[] {Map.of("email", "not-an-email", "password", ManagementApi.PASSWORD), "email"},
                new Object[] {Map.of("password", ManagementApi.PASSWORD), "email"},
                new Object[] {Map.of("email", email(), "password", "short"), "password"},
                new Object[] {Map.of("email", email()), "password"},
                new Object[] {Map.of("email", email(), "password", "x".repeat(257)), "password"},
                new Object[] {Map.of("email", email(), "password", ManagementApi.PASSWORD, "role", "owner"), "role"},
                new Object[] {Map.of("email", List.of("a"), "password", ManagementApi.PASSWORD), "email"},
                new Object[] {"{\"email\": ", null},
                new Object[] {"[1, 2]", null},
                new Object[] {"", null});
        for (Object[] c : cases) {
            Reply reply = API.post("/api/v1/auth/signup", null, c[0]);
            assertEquals(400, reply.status(), c[0] + " -> " + reply);
            assertEquals("invalid_request_error", reply.json().at("/error/type").asText(), reply.toString());
            assertEquals(c[1], reply.param(), c[0] + " -> " + reply);
            assertFalse(reply.body().contains(ManagementApi.PASSWORD), reply.body());
        }
        assertEquals(users, API.count("users"));
        assertEquals(audit, API.count("audit_log"));
    }

    @Test
    void aWrongPasswordAndAnUnknownAccountGetTheSameAnswer() {
        String email = email();
        API.signupAndLogin(email);

        Reply wrong = API.post("/api/v1/auth/login", null, Map.of("email", email, "password", "wrong password"));
        Reply unknown = API.post("/api/v1/auth/login", null, Map.of("email", email(), "password", "wrong password"));

        assertEquals(401, wrong.status());
        assertEquals(401, unknown.status());
        assertEquals(wrong.body(), unknown.body());
        assertEquals("incorrect email or password", wrong.error());
        assertEquals("authentication_error", wrong.json().at("/error/type").asText());
    }

    @Test
    void requestsWithoutAValidTokenAre401() {
        String token = API.signupAndLogin(email());
        int mac = token.lastIndexOf('.') + 5;
        String tampered = token.substring(0, mac) + (token.charAt(mac) == 'x' ? 'y' : 'x') + token.substring(mac + 1);
        String[] bad = {null, "", "v1.garbage.garbage", tampered, token.replace("v1.", "v2.")};
        for (String t : bad) {
            Reply reply = API.get("/api/v1/me", t);
            assertEquals(401, reply.status(), t + " -> " + reply);
            assertEquals("authentication_error", reply.json().at("/error/type").asText());
            assertEquals("Bearer", reply.raw().headers().firstValue("WWW-Authenticate").orElse(""));
        }
        Reply none = API.send("GET", "/api/v1/orgs", null, null);
        assertEquals(401, none.status());
        // a token in the URL would land in request logs: only the header counts
        assertEquals(401, API.get("/api/v1/me?access_token=" + token, null).status());
        assertEquals(200, API.get("/api/v1/me", token).status());
    }

    @Test
    void accessTokensExpireAndRefreshGivesNewOnesOnce() {
        String email = email();
        API.signupAndLogin(email);
        JsonNode first = API.login(email).json();
        String access = first.get("access_token").asText();

        API.clock.advance(Duration.ofMinutes(14).plusSeconds(59));
        assertEquals(200, API.get("/api/v1/me", access).status());
        API.clock.advance(Duration.ofSeconds(1));
        assertEquals(401, API.get("/api/v1/me", access).status());

        Reply refreshed = API.post("/api/v1/auth/refresh", null, Map.of("refresh_token", first.get("refresh_token").asText()));
        assertEquals(200, refreshed.status(), refreshed.toString());
        assertEquals(first.get("session_id"), refreshed.json().get("session_id"));
        assertNotEquals(first.get("refresh_token"), refreshed.json().get("refresh_token"));
        assertEquals(200, API.get("/api/v1/me", refreshed.json().get("access_token").asText()).status());

        Reply reused = API.post("/api/v1/auth/refresh", null, Map.of("refresh_token", first.get("refresh_token").asText()));
        assertEquals(401, reused.status(), reused.toString());
        assertEquals(400, API.post("/api/v1/auth/refresh", null, Map.of()).status());
    }

    @Test
    void sessionsEndAfterTheirLifetimeEvenWithRefreshes() {
        String email = email();
        API.signupAndLogin(email);
        JsonNode tokens = API.login(email).json();

        API.clock.advance(Duration.ofDays(30));

        Reply refreshed = API.post("/api/v1/auth/refresh", null, Map.of("refresh_token", tokens.get("refresh_token").asText()));
        assertEquals(401, refreshed.status(), refreshed.toString());
    }

    @Test
    void logoutRevokesTheSessionsAccessAndRefreshTokensButNotOtherSessions() {
        String email = email();
        API.signupAndLogin(email);
        JsonNode one = API.login(email).json();
        JsonNode two = API.login(email).json();
        String access = one.get("access_token").asText();

        Reply logout = API.post("/api/v1/auth/logout", access, null);
        assertEquals(204, logout.status(), logout.toString());

        assertEquals(401, API.get("/api/v1/me", access).status());
        assertEquals(401, API.post("/api/v1/auth/refresh", null,
                Map.of("refresh_token", one.get("refresh_token").asText())).status());
        assertEquals(401, API.post("/api/v1/auth/logout", access, null).status());
        assertEquals(200, API.get("/api/v1/me", two.get("access_token").asText()).status());
        String revokedAt = API.jdbi().withHandle(h -> h.createQuery("select revoked_at from sessions where id = :id")
                .bind("id", UUID.fromString(one.get("session_id").asText())).mapTo(String.class).one());
        assertTrue(revokedAt != null, "revoked_at is set");
    }

    @Test
    void unknownEndpointsAndMethodsAnswerInTheErrorFormat() {
        Reply missing = API.get("/api/v1/nothing-here", null);
        assertEquals(404, missing.status());
        assertEquals("invalid_request_error", missing.json().at("/error/type").asText());

        Reply method = API.send("PUT", "/api/v1/auth/login", null, Map.of());
        assertEquals(405, method.status(), method.toString());
        assertNull(method.param());
        assertTrue(method.json().has("error"), method.toString());
    }
}
