package io.brokle.control.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.GatewaySnapshot;
import io.brokle.config.SnapshotJson;
import io.brokle.control.ControlApplication;
import io.brokle.control.ControlConfiguration;
import io.brokle.control.ControlServices;
import io.brokle.control.credentials.ProviderSpec;
import io.brokle.control.keys.KeySpec;
import io.brokle.control.testing.ServiceFixture;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.ResourceHelpers;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxies' endpoint on the running application: authentication, long polling, answers. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SnapshotResourceTest {
    static final String TOKEN = "node-token-for-resource-tests-01";
    private static final DropwizardAppExtension<ControlConfiguration> APP = new DropwizardAppExtension<>(
            ControlApplication.class, ResourceHelpers.resourceFilePath("control-test.yml"), "resource.",
            ConfigOverride.config("resource.", "database.url", "jdbc:h2:file:"
                    + Path.of("target", "test-data", UUID.randomUUID().toString(), "control").toAbsolutePath()
                    + ControlConfiguration.H2_SETTINGS),
            ConfigOverride.config("resource.", "nodeToken", TOKEN),
            ConfigOverride.config("resource.", "keyPepper", ServiceFixture.PEPPER),
            ConfigOverride.config("resource.", "masterKeys", Base64.getEncoder().encodeToString(ServiceFixture.randomKey())));
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static UUID env;
    private static UUID user;
    private static ControlServices services;

    @BeforeAll
    static void tenant() {
        services = ((ControlApplication) APP.getApplication()).services();
        env = ServiceFixture.tenant(services.jdbi(), "acme", "chat", "prod");
        user = UUID.randomUUID();
        services.jdbi().useHandle(h -> h.createUpdate("insert into users (id, email, password_hash) values (:id, 'a@b.c', 'x')")
                .bind("id", user).execute());
        services.providers().create(user, env, new ProviderSpec("openai", "openai", "https://api.openai.com/v1",
                "sk-resource-test-credential-9999", null, true, null, null, null));
    }

    private static HttpRequest request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + path))
                .timeout(Duration.ofSeconds(40));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    private static HttpResponse<byte[]> get(String path, String token) throws Exception {
        return HTTP.send(request(path, token), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static long version() {
        return services.jdbi().withHandle(h -> SnapshotBuilder.version(h, env));
    }

    @Test
    void aProxyWithoutTheRightTokenGets401() throws Exception {
        assertEquals(401, get("/internal/v1/snapshots/" + env, null).statusCode());
        HttpResponse<byte[]> wrong = get("/internal/v1/snapshots/" + env, "not-the-token-000000000");
        assertEquals(401, wrong.statusCode());
        assertEquals("Bearer realm=\"brokle-internal\"", wrong.headers().firstValue("www-authenticate").orElse(""));
    }

    @Test
    void unknownEnvironmentsAndBadParametersAreRefused() throws Exception {
        assertEquals(404, get("/internal/v1/snapshots/" + UUID.randomUUID(), TOKEN).statusCode());
        assertEquals(404, get("/internal/v1/snapshots/not-a-uuid", TOKEN).statusCode());
        HttpResponse<byte[]> wait = get("/internal/v1/snapshots/" + env + "?waitSeconds=61", TOKEN);
        assertEquals(400, wait.statusCode());
        assertTrue(new String(wait.body()).contains("waitSeconds: 61 (expected: 0..60)"), new String(wait.body()));
        assertEquals(400, get("/internal/v1/snapshots/" + env + "?after=soon", TOKEN).statusCode());
    }

    @Test
    void aProxyWithoutASnapshotGetsTheCurrentOneWithItsVersionAndCredentials() throws Exception {
        HttpResponse<byte[]> response = get("/internal/v1/snapshots/" + env, TOKEN);

        assertEquals(200, response.statusCode());
        GatewaySnapshot snapshot = SnapshotJson.decode(response.body());
        assertEquals(version(), snapshot.version());
        assertEquals(Long.toString(snapshot.version()), response.headers().firstValue("Brokle-Snapshot-Version").orElse(""));
        assertEquals("sk-resource-test-credential-9999", snapshot.providers().get("openai").apiKey());
    }

    @Test
    void nothingNewerAnswers204WithTheCurrentVersion() throws Exception {
        long v = version();
        HttpResponse<byte[]> now = get("/internal/v1/snapshots/" + env + "?after=" + v, TOKEN);
        assertEquals(204, now.statusCode());
        assertEquals(Long.toString(v), now.headers().firstValue("Brokle-Snapshot-Version").orElse(""));

        HttpResponse<byte[]> waited = get("/internal/v1/snapshots/" + env + "?after=" + (v + 1000) + "&waitSeconds=1", TOKEN);
        assertEquals(204, waited.statusCode());
    }

    @Test
    void aWaitingPollIsAnsweredAsSoonAsAChangeCommits() throws Exception {
        long v = version();
        CompletableFuture<HttpResponse<byte[]>> poll = HTTP.sendAsync(
                request("/internal/v1/snapshots/" + env + "?after=" + v + "&waitSeconds=30", TOKEN),
                HttpResponse.BodyHandlers.ofByteArray());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (services.publisher().waiting(env) == 0) {
            assertTrue(System.nanoTime() < deadline, "the poll never started waiting");
            Thread.sleep(5);
        }

        long committed = System.nanoTime();
        var created = services.keys().create(user, env, KeySpec.named("woken"));
        HttpResponse<byte[]> response = poll.get(5, TimeUnit.SECONDS);
        long tookMillis = (System.nanoTime() - committed) / 1_000_000;

        assertEquals(200, response.statusCode());
        GatewaySnapshot snapshot = SnapshotJson.decode(response.body());
        assertEquals(v + 1, snapshot.version());
        assertTrue(snapshot.keysByHash().values().stream().anyMatch(k -> k.id().equals(created.key().id().toString())));
        assertTrue(tookMillis < 1000, "answered " + tookMillis + " ms after the change");
    }
}
