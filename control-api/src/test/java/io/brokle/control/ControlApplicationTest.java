package io.brokle.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.db.migrate.ClasspathMigrations;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole application on random loopback ports, each instance with its own H2 file under target/. */
@ExtendWith(DropwizardExtensionsSupport.class)
class ControlApplicationTest {
    private static final DropwizardAppExtension<ControlConfiguration> APP = app("migrated.", true);
    private static final DropwizardAppExtension<ControlConfiguration> UNMIGRATED = app("unmigrated.", false);

    private static DropwizardAppExtension<ControlConfiguration> app(String prefix, boolean migrateOnStart) {
        Path file = Path.of("target", "test-data", UUID.randomUUID().toString(), "control").toAbsolutePath();
        return new DropwizardAppExtension<>(ControlApplication.class, ResourceHelpers.resourceFilePath("control-test.yml"),
                prefix,
                ConfigOverride.config(prefix, "database.url", "jdbc:h2:file:" + file + ControlConfiguration.H2_SETTINGS),
                ConfigOverride.config(prefix, "migrateOnStart", Boolean.toString(migrateOnStart)));
    }

    /** The JDK's client, which (unlike Jersey's test client) does not retry a 503 by itself. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Map<?, ?> json(HttpResponse<String> response) throws Exception {
        return APP.getObjectMapper().readValue(response.body(), Map.class);
    }

    @Test
    void healthDbIsOkOnceTheSchemaIsMigratedOnStart() throws Exception {
        HttpResponse<String> response = get(APP.getLocalPort(), "/health/db");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        assertEquals(Map.of("status", "ok", "checks", Map.of("db", "ok", "migrations", "ok")), json(response));
    }

    @Test
    void healthRunsEveryCheckAndSaysOnlyOkOrDown() throws Exception {
        HttpResponse<String> response = get(APP.getLocalPort(), "/health");

        assertEquals(200, response.statusCode());
        assertEquals(Map.of("status", "ok", "checks", Map.of("db", "ok", "migrations", "ok", "deadlocks", "ok", "cache", "ok")),
                json(response));
    }

    @Test
    void healthCacheNamesTheInProcessLayer() throws Exception {
        HttpResponse<String> response = get(APP.getLocalPort(), "/health/cache");

        assertEquals(200, response.statusCode());
        assertEquals(Map.of("status", "ok", "layer", "in-process", "checks", Map.of("cache", "ok")), json(response));
    }

    @Test
    void healthProvidersSaysNoneAreKnownWithoutAnEmbeddedProxy() throws Exception {
        HttpResponse<String> response = get(APP.getLocalPort(), "/health/providers");

        assertEquals(200, response.statusCode());
        Map<?, ?> body = json(response);
        assertEquals("ok", body.get("status"));
        assertEquals("none", body.get("source"));
        assertEquals(java.util.List.of(), body.get("providers"));
        assertTrue(String.valueOf(body.get("note")).contains("no proxy runs in this process"), body.toString());
    }

    @Test
    void adminHealthcheckGivesTheReasons() throws Exception {
        HttpResponse<String> response = get(APP.getAdminPort(), "/healthcheck");

        assertEquals(200, response.statusCode(), response.body());
        long last = ClasspathMigrations.shipped().getLast().version();
        assertTrue(response.body().contains("\"message\":\"schema at version " + last + "\""), response.body());
    }

    @Test
    void pendingMigrationsMakeHealthDbDown() throws Exception {
        HttpResponse<String> response = get(UNMIGRATED.getLocalPort(), "/health/db");

        assertEquals(503, response.statusCode());
        assertEquals(Map.of("status", "down", "checks", Map.of("db", "ok", "migrations", "down")), json(response));
        HttpResponse<String> admin = get(UNMIGRATED.getAdminPort(), "/healthcheck");
        assertEquals(500, admin.statusCode());
        int count = ClasspathMigrations.shipped().size();
        assertTrue(admin.body().contains(count + " pending migrations from 0001 create_tenancy: run `db up`"), admin.body());
    }
}
