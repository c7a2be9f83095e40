package io.brokle.control.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brokle.config.ServerSettings;
import io.brokle.control.ControlApplication;
import io.brokle.control.ControlConfiguration;
import io.brokle.control.ControlServices;
import io.brokle.control.credentials.ProviderSpec;
import io.brokle.control.keys.CreatedKey;
import io.brokle.control.keys.KeySpec;
import io.brokle.control.routes.DeploymentSpec;
import io.brokle.control.routes.RouteSpec;
import io.brokle.control.testing.ServiceFixture;
import io.brokle.proxy.ControlPlaneGateway;
import io.brokle.proxy.snapshot.ControlPlaneSnapshotSource;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.DropwizardTestSupport;
import io.dropwizard.testing.ResourceHelpers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane and three proxy nodes following it, as deployed: keys made by the
 * {@code KeyService} work on every proxy; a revoked key is refused by every proxy within one
 * second; with the control plane stopped the proxies keep serving, also after a restart (from
 * their encrypted last-good snapshot file).
 */
class ProxyFleetEndToEndTest {
    private static final String TOKEN = "node-token-for-the-fleet-test-01";
    private static final String CHAT = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    private DropwizardTestSupport<ControlConfiguration> control;
    private final List<ControlPlaneGateway> proxies = new ArrayList<>();

    @AfterEach
    void stop() {
        proxies.forEach(p -> p.stop(Duration.ofMillis(100)));
        if (control != null) {
            control.after();
        }
    }

    private DropwizardTestSupport<ControlConfiguration> startControlPlane(ConfigOverride... extra) throws Exception {
        List<ConfigOverride> overrides = new ArrayList<>(List.of(
                ConfigOverride.config("database.url", "jdbc:h2:file:" + dir.resolve("control").toAbsolutePath()
                        + ControlConfiguration.H2_SETTINGS),
                ConfigOverride.config("nodeToken", TOKEN),
                ConfigOverride.config("keyPepper", ServiceFixture.PEPPER),
                ConfigOverride.config("masterKeys", Base64.getEncoder().encodeToString(ServiceFixture.randomKey()))));
        overrides.addAll(List.of(extra));
        DropwizardTestSupport<ControlConfiguration> support = new DropwizardTestSupport<>(ControlApplication.class,
                ResourceHelpers.resourceFilePath("control-test.yml"), overrides.toArray(ConfigOverride[]::new));
        support.before();
        return support;
    }

    private record Tenant(UUID environment, UUID user) {
    }

    /** A mock provider, a {@code demo} route, and an OpenAI provider whose credential must reach the proxies. */
    private static Tenant setUp(ControlServices services) {
        UUID env = ServiceFixture.tenant(services.jdbi(), "acme", "chat", "prod");
        UUID user = UUID.randomUUID();
        services.jdbi().useHandle(h -> h.createUpdate("insert into users (id, email, password_hash) values (:id, 'ops@acme.test', 'x')")
                .bind("id", user).execute());
        services.providers().create(user, env, new ProviderSpec("mock", "mock", null, null, null, true, null, null, null));
        services.providers().create(user, env, new ProviderSpec("openai", "openai", "https://api.openai.com/v1",
                "sk-fleet-upstream-credential-0042", null, true, null, null, null));
        services.routes().putDeployment(user, env, new DeploymentSpec("demo-mock", "mock", "mock-1", null, null, null));
        services.routes().putRoute(user, env, new RouteSpec("demo", List.of("demo-mock"), null, null, null));
        return new Tenant(env, user);
    }

    private ControlPlaneGateway startProxy(int port, int index, UUID env, URI redis, String channel) throws Exception {
        ServerSettings server = ServerSettings.DEFAULTS.withPort(0).withDataDir(dir.resolve("proxy-" + index));
        ControlPlaneGateway proxy = ControlPlaneGateway.start(server, ServiceFixture.PEPPER,
                new ControlPlaneSnapshotSource.Settings(URI.create("http://127.0.0.1:" + port), env.toString(), TOKEN,
                        Duration.ofSeconds(30)),
                null, redis, channel, 1);
        proxies.add(proxy);
        return proxy;
    }

    private static HttpResponse<String> chat(ControlPlaneGateway proxy, String key) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.server().port() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertAnswers(ControlPlaneGateway proxy, String key) throws Exception {
        HttpResponse<String> response = chat(proxy, key);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"chat.completion\""), response.body());
    }

    private static void assertRevoked(ControlPlaneGateway proxy, String key) throws Exception {
        HttpResponse<String> response = chat(proxy, key);
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"revoked_api_key\""), response.body());
    }

    /** Polls every proxy with {@code key} until each refuses it as revoked; returns how long the slowest took. */
    private Duration untilEveryProxyRefuses(String key, long startNanos, Duration limit) throws Exception {
        long deadline = startNanos + limit.toNanos();
        long slowest = 0;
        for (ControlPlaneGateway proxy : proxies) {
            while (true) {
                if (chat(proxy, key).statusCode() == 401) {
                    slowest = Math.max(slowest, System.nanoTime() - startNanos);
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("proxy on port " + proxy.server().port() + " still accepts the revoked key after "
                            + limit.toMillis() + " ms");
                }
                Thread.sleep(2);
            }
        }
        return Duration.ofNanos(slowest);
    }

    @Test
    void aRevokedKeyIsRefusedByEveryProxyWithinASecondAndProxiesOutliveTheControlPlane() throws Exception {
        control = startControlPlane();
        ControlServices services = ((ControlApplication) control.getApplication()).services();
        Tenant t = setUp(services);
        CreatedKey kept = services.keys().create(t.user(), t.environment(), KeySpec.named("kept"));
        for (int i = 0; i < 3; i++) {
            startProxy(control.getLocalPort(), i, t.environment(), null, null);
        }
        // Made while the proxies run, so it reaches them the way the revocation will.
        CreatedKey doomed = services.keys().create(t.user(), t.environment(), KeySpec.named("doomed"));
        long made = services.jdbi().withHandle(h -> SnapshotBuilder.version(h, t.environment()));
        for (ControlPlaneGateway proxy : proxies) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (proxy.source().controlVersion() < made) {
                assertTrue(System.nanoTime() < deadline, "the new key never reached proxy " + proxy.server().port());
                Thread.sleep(2);
            }
            assertAnswers(proxy, doomed.secret());
            assertAnswers(proxy, kept.secret());
            assertEquals("sk-fleet-upstream-credential-0042", proxy.holder().current().providers().get("openai").apiKey());
        }

        long revokedAt = System.nanoTime();
        services.keys().revoke(t.user(), doomed.key().id());
        Duration slowest = untilEveryProxyRefuses(doomed.secret(), revokedAt, Duration.ofSeconds(1));

        assertTrue(slowest.compareTo(Duration.ofSeconds(1)) < 0, "slowest proxy took " + slowest.toMillis() + " ms");
        for (ControlPlaneGateway proxy : proxies) {
            assertRevoked(proxy, doomed.secret());
            assertAnswers(proxy, kept.secret());
        }

        // The control plane goes away: every proxy keeps serving what it has.
        control.after();
        control = null;
        for (ControlPlaneGateway proxy : proxies) {
            assertAnswers(proxy, kept.secret());
            assertRevoked(proxy, doomed.secret());
        }

        // A proxy restarted while the control plane is away starts from its encrypted file.
        ControlPlaneGateway first = proxies.remove(0);
        long servedVersion = first.source().controlVersion();
        first.stop(Duration.ofMillis(100));
        ControlPlaneGateway restarted = startProxy(unusedPort(), 0, t.environment(), null, null);
        assertEquals(servedVersion, restarted.source().controlVersion());
        assertAnswers(restarted, kept.secret());
        assertRevoked(restarted, doomed.secret());
    }

    @Test
    void withRedisAProxyOfAnotherControlNodeHearsTheChangeAtOnce() throws Exception {
        assumeTrue(RedisSnapshotChannelTest.redisUp(), "Redis is not reachable at 127.0.0.1:6379");
        String channel = "brokle:test:" + UUID.randomUUID();
        control = startControlPlane(ConfigOverride.config("redisUrl", "redis://127.0.0.1:6379"),
                ConfigOverride.config("redisChannel", channel));
        ControlServices services = ((ControlApplication) control.getApplication()).services();
        Tenant t = setUp(services);
        CreatedKey key = services.keys().create(t.user(), t.environment(), KeySpec.named("k"));
        ControlPlaneGateway proxy = startProxy(control.getLocalPort(), 0, t.environment(), URI.create("redis://127.0.0.1:6379"),
                channel);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!proxy.redisSubscribed()) {
            assertTrue(System.nanoTime() < deadline, "no Redis subscription");
            Thread.sleep(5);
        }
        assertAnswers(proxy, key.secret());

        // A second control node shares the database and Redis but not this node's memory: its
        // change reaches the waiting poll here only through Redis.
        ControlServices otherNode = ControlServices.create(services.jdbi(), ServiceFixture.PEPPER, services.cipher(),
                java.time.Clock.systemUTC());
        try (RedisSnapshotChannel otherRedis = new RedisSnapshotChannel(URI.create("redis://127.0.0.1:6379"), channel,
                otherNode.publisher())) {
            otherNode.publisher().useRedis(otherRedis);
            RedisSnapshotChannelTest.awaitSubscribed(otherRedis);
            long revokedAt = System.nanoTime();
            otherNode.keys().revoke(t.user(), key.key().id());

            Duration took = untilEveryProxyRefuses(key.secret(), revokedAt, Duration.ofSeconds(1));
            assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "took " + took.toMillis() + " ms");
        }
    }

    /** A port nobody listens on: where the stopped control plane was is as good as any. */
    private static int unusedPort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
