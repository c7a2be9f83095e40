package io.brokle.control.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.control.ControlApplication;
import io.brokle.control.ControlConfiguration;
import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The whole control plane on a random loopback port with its own H2 file (or a PostgreSQL
 * schema) and a {@link MutableClock}, plus a plain HTTP client (the JDK's) for its management API.
 */
public final class ManagementApi {
    public static final Instant START = Instant.parse("2026-11-25T10:00:00Z");
    public static final String PASSWORD = "correct horse battery";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final MutableClock clock = new MutableClock(START);
    public final DropwizardAppExtension<ControlConfiguration> app;

    private ManagementApi(String databaseUrl, String driver, ConfigOverride... extra) {
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("database.url", databaseUrl),
                ConfigOverride.config("database.driverClass", driver)));
        overrides.addAll(List.of(extra));
        DropwizardTestSupport<ControlConfiguration> support = new DropwizardTestSupport<>(ControlApplication.class,
                ResourceHelpers.resourceFilePath("control-test.yml"), overrides.toArray(ConfigOverride[]::new)) {
            @Override
            public Application<ControlConfiguration> newApplication() {
                return new ControlApplication(clock);
            }
        };
        this.app = new DropwizardAppExtension<>(support);
    }

    /** On a fresh H2 file under target/. */
    public static ManagementApi onH2(ConfigOverride... extra) {
        Path file = Path.of("target", "test-data", UUID.randomUUID().toString(), "control").toAbsolutePath();
        return new ManagementApi("jdbc:h2:file:" + file + ControlConfiguration.H2_SETTINGS, "org.h2.Driver", extra);
    }

    /** On a fresh schema of this run's PostgreSQL database. */
    public static ManagementApi onPostgres(PostgresTestServer server, ConfigOverride... extra) {
        return new ManagementApi(server.newSchema().url(), "org.postgresql.Driver", extra);
    }

    /** The application's database, for checking what was (not) written. */
    public Jdbi jdbi() {
        return Jdbi.create(app.getConfiguration().getDatabase().getUrl(), app.getConfiguration().getDatabase().getUser(),
                app.getConfiguration().getDatabase().getPassword());
    }

    /** Rows in {@code table}. */
    public int count(String table) {
        return jdbi().withHandle(h -> h.createQuery("select count(*) from " + table).mapTo(Integer.class).one());
    }

    /** An answer: status, headers and the body as JSON (null when empty or not JSON). */
    public record Reply(int status, JsonNode json, String body, HttpResponse<String> raw) {
        public String error() {
            return json == null ? null : json.path("error").path("message").asText(null);
        }

        public String param() {
            return json == null ? null : json.path("error").path("param").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Reply get(String path, String token) {
        return send("GET", path, token, null);
    }

    public Reply post(String path, String token, Object body) {
        return send("POST", path, token, body);
    }

    public Reply patch(String path, String token, Object body) {
        return send("PATCH", path, token, body);
    }

    public Reply delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    /** Sends {@code body} (a String as is, anything else as JSON) with an optional bearer token. */
    public Reply send(String method, String path, String token, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.getLocalPort() + path));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                String text = body instanceof String s ? s : JSON.writeValueAsString(body);
                request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException stale) {
                // A pooled connection the server had just closed (it closes after refusing a request
                // whose body it did not read): no byte of an answer came back, so send once more on a
                // new connection, as a client library would.
                if (stale.getMessage() == null || !stale.getMessage().contains("received no bytes")) {
                    throw stale;
                }
                response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            JsonNode json = null;
            if (response.headers().firstValue("content-type").orElse("").startsWith("application/json")
                    && !response.body().isEmpty()) {
                json = JSON.readTree(response.body());
            }
            return new Reply(response.statusCode(), json, response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        }
    }

    /** Signs up {@code email} with {@link #PASSWORD} and logs in: the access token. */
    public String signupAndLogin(String email) {
        Reply signup = post("/api/v1/auth/signup", null, Map.of("email", email, "password", PASSWORD));
        if (signup.status() != 201) {
            throw new IllegalStateException("signup " + email + ": " + signup);
        }
        return login(email).json().get("access_token").asText();
    }

    public Reply login(String email) {
        return post("/api/v1/auth/login", null, Map.of("email", email, "password", PASSWORD));
    }

    /** Creates organization {@code slug} owned by the holder of {@code token}. */
    public void createOrganization(String token, String slug) {
        Reply reply = post("/api/v1/orgs", token, Map.of("slug", slug, "name", slug.toUpperCase()));
        if (reply.status() != 201) {
            throw new IllegalStateException("create org " + slug + ": " + reply);
        }
    }

    /** Makes the holder of {@code memberToken} (with {@code email}) a {@code role} of {@code org} through an invitation. */
    public void addMember(String ownerToken, String org, String email, String memberToken, String role) {
        Reply invitation = post("/api/v1/orgs/" + org + "/invitations", ownerToken, Map.of("email", email, "role", role));
        if (invitation.status() != 201) {
            throw new IllegalStateException("invite " + email + ": " + invitation);
        }
        Reply accepted = post("/api/v1/invitations/accept", memberToken,
                Map.of("token", invitation.json().get("token").asText()));
        if (accepted.status() != 200) {
            throw new IllegalStateException("accept " + email + ": " + accepted);
        }
    }

    /** The user id of the holder of {@code token}. */
    public String userId(String token) {
        return get("/api/v1/me", token).json().get("id").asText();
    }
}
