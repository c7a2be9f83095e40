package io.brokle.control.allinone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.control.ControlApplication;
import io.brokle.control.ControlConfiguration;
import io.brokle.control.ControlServices;
import io.brokle.control.credentials.ProviderSpec;
import io.brokle.control.keys.KeySpec;
import io.brokle.control.keys.KeyView;
import io.brokle.control.routes.DeploymentSpec;
import io.brokle.control.routes.RouteSpec;
import io.dropwizard.core.Application;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one mode: the control plane with the proxy in its JVM, on an H2 file, started the
 * way {@code scripts/run} starts it, and driven over real HTTP.
 */
class AllInOneTest {
    private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PASSWORD = Pattern.compile("admin password: (\\S+)");
    private static final Pattern KEY = Pattern.compile("dev key: +(brk-\\S+)");

    @TempDir
    Path dir;

    private DropwizardTestSupport<ControlConfiguration> app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.after();
        }
    }

    /** Starts the application in all-in-one mode; what it prints goes to {@code console}. */
    private DropwizardTestSupport<ControlConfiguration> start(ByteArrayOutputStream console) throws Exception {
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        DropwizardTestSupport<ControlConfiguration> support = new DropwizardTestSupport<>(ControlApplication.class,
                ResourceHelpers.resourceFilePath("control-test.yml"),
                ConfigOverride.config("database.url", "jdbc:h2:file:" + dir.resolve("control").toAbsolutePath()
                        + ControlConfiguration.H2_SETTINGS),
                ConfigOverride.config("migrateOnStart", "false"), // the mode migrates anyway
                ConfigOverride.config("allInOne.port", "0"),
                ConfigOverride.config("allInOne.environment", "local/default/dev"),
                ConfigOverride.config("allInOne.dataDir", dir.resolve("data").toString())) {
            @Override
            public Application<ControlConfiguration> newApplication() {
                return new ControlApplication(Clock.systemUTC(), out);
            }
        };
        support.before();
        app = support;
        return support;
    }

    private EmbeddedProxy proxy() {
        return ((ControlApplication) app.getApplication()).embeddedProxy();
    }

    private ControlServices services() {
        return ((ControlApplication) app.getApplication()).services();
    }

    private HttpResponse<String> chat(String key, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy().port() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.getLocalPort() + path))
                        .header("Content-Type", "application/json")
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String only(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertTrue(m.find(), "not printed: " + pattern + " in\n" + text);
        String value = m.group(1);
        assertFalse(m.find(), "printed twice: " + pattern);
        return value;
    }

    private void assertAnswers(String key) throws Exception {
        HttpResponse<String> response = chat(key, CHAT);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("chat.completion", body.path("object").asText(), response.body());
        assertFalse(body.path("choices").path(0).path("message").path("content").asText().isEmpty(), response.body());
    }

    @Test
    void firstStartPrintsAnAdminAndADevKeyOnceThatWorkAndALaterStartPrintsNoSecret() throws Exception {
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        start(first);
        String printed = first.toString(StandardCharsets.UTF_8);
        String password = only(PASSWORD, printed);
        String key = only(KEY, printed);
        assertTrue(printed.contains("admin email:    admin@brokle.local"), printed);
        assertTrue(printed.contains("http://127.0.0.1:" + proxy().port() + "/v1/chat/completions"), printed);

        assertAnswers(key);
        assertEquals(401, chat("brk-" + "x".repeat(43), CHAT).statusCode());
        HttpResponse<String> login = api("POST", "/api/v1/auth/login",
                "{\"email\":\"admin@brokle.local\",\"password\":\"" + password + "\"}");
        assertEquals(200, login.statusCode(), login.body());
        // Nothing secret is stored in plaintext: not the password, not the key.
        String stored = services().jdbi().withHandle(h -> h.createQuery(
                "select u.password_hash || ' ' || k.key_hash from users u cross join virtual_keys k").mapTo(String.class).one());
        assertFalse(stored.contains(password) || stored.contains(key));
        assertTrue(Files.readString(dir.resolve("data").resolve("key-pepper")).length() >= 16);

        app.after();
        app = null;
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        start(second);
        String again = second.toString(StandardCharsets.UTF_8);
        assertTrue(again.contains("Brokle all-in-one: gateway on"), again);
        assertFalse(again.contains("password") || again.contains("brk-"), again);
        assertAnswers(key); // the same key still verifies: the pepper outlived the process
    }

    @Test
    void changesMadeThroughTheServicesReachTheEmbeddedProxyInProcess() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        start(console);
        String key = only(KEY, console.toString(StandardCharsets.UTF_8));
        ControlServices services = services();
        UUID env = proxy().environmentId();
        KeyView dev = services.keys().list(env).getFirst();
        UUID actor = services.jdbi().withHandle(h -> h.createQuery("select id from users").mapTo(UUID.class).one());

        String added = services.keys().create(actor, env, KeySpec.named("added")).secret();
        untilStatus(added, 200, Duration.ofSeconds(1));
        long before = proxy().controlVersion();
        services.keys().revoke(actor, dev.id());
        HttpResponse<String> refused = untilStatus(key, 401, Duration.ofSeconds(1));
        assertTrue(refused.body().contains("revoked_api_key"), refused.body());
        assertTrue(proxy().controlVersion() > before);
        assertAnswers(added);
    }

    @Test
    void providerHealthReportsWhatTheEmbeddedProxySaw() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        start(console);
        String key = only(KEY, console.toString(StandardCharsets.UTF_8));
        assertAnswers(key);

        // The proxy counts an attempt once it ends, which may be just after the client read its answer.
        JsonNode health = JSON.readTree(api("GET", "/health/providers", null).body());
        long counted = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (health.path("providers").path(0).path("attempts").asLong() < 1 && System.nanoTime() < counted) {
            Thread.onSpinWait();
            health = JSON.readTree(api("GET", "/health/providers", null).body());
        }
        assertEquals("ok", health.path("status").asText(), health.toString());
        assertEquals("embedded-proxy", health.path("source").asText());
        JsonNode mock = health.path("providers").path(0);
        assertEquals("mock", mock.path("name").asText(), health.toString());
        assertEquals(1, mock.path("attempts").asLong());
        assertEquals(0.0, mock.path("error_rate").asDouble());
        assertEquals("closed", mock.path("breaker").asText());
        assertFalse(mock.path("last_success").isNull(), health.toString());

        // A provider nobody listens for: every attempt fails, and five in a row open its breaker.
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ControlServices services = services();
        UUID env = proxy().environmentId();
        UUID actor = services.jdbi().withHandle(h -> h.createQuery("select id from users").mapTo(UUID.class).one());
        services.providers().create(actor, env, new ProviderSpec("local-llm", "openai", "http://127.0.0.1:" + closedPort + "/v1",
                null, null, true, null, null, null));
        services.routes().putDeployment(actor, env, new DeploymentSpec("local", "local-llm", "llama", null, null, null));
        services.routes().putRoute(actor, env, new RouteSpec("local", List.of("local"), null, null, 1));
        String body = "{\"model\":\"local\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (chat(key, body).statusCode() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(5); // until the route arrives
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(chat(key, body).statusCode() >= 500);
        }
        HttpResponse<String> response = api("GET", "/health/providers", null);
        assertEquals(200, response.statusCode());
        health = JSON.readTree(response.body());
        assertEquals("degraded", health.path("status").asText(), health.toString());
        JsonNode local = health.path("providers").path(0);
        assertEquals("local-llm", local.path("name").asText(), health.toString());
        assertEquals("openai", local.path("kind").asText());
        assertTrue(local.path("failures").asLong() >= 5, health.toString());
        assertEquals(1.0, local.path("error_rate").asDouble());
        assertEquals("open", local.path("breaker").asText());
        assertTrue(local.path("last_success").isNull(), health.toString());
        assertEquals("closed", health.path("providers").path(1).path("breaker").asText());
    }

    @Test
    void aDatabaseWithAccountsButNotTheServedEnvironmentStopsTheStartSayingWhatToDo() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        start(console);
        services().jdbi().useHandle(h -> h.execute("update environments set name = 'renamed'"));
        app.after();
        app = null;

        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> start(new ByteArrayOutputStream()));

        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IllegalStateException)) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("allInOne.environment: local/default/dev does not exist in this database"),
                cause.getMessage());
        assertTrue(cause.getMessage().contains("BROKLE_ENVIRONMENT="), cause.getMessage());
    }

    @Test
    void cacheHealthSaysTheCachesAreInProcess() throws Exception {
        start(new ByteArrayOutputStream());
        HttpResponse<String> response = api("GET", "/health/cache", null);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("ok", body.path("status").asText());
        assertEquals("in-process", body.path("layer").asText());
        assertEquals("ok", body.path("checks").path("cache").asText());
    }

    private HttpResponse<String> untilStatus(String key, int status, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            HttpResponse<String> response = chat(key, CHAT);
            if (response.statusCode() == status) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + response.statusCode() + " after " + limit.toMillis() + " ms: "
                        + response.body());
            }
            Thread.sleep(2);
        }
    }
}
