package io.brokle.proxy.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brokle.config.GatewaySnapshot;
import io.brokle.proxy.metrics.GatewayMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

class ControlPlaneSnapshotSourceTest {
    private static final String ENV = "3f0c1a52-7b8e-4d35-9a61-2d0f4c8b9e17";
    private static final URI REDIS = URI.create("redis://127.0.0.1:6379");

    @TempDir
    Path dir;

    private final GatewayMetrics metrics = new GatewayMetrics();
    private FakeControlPlane control;
    private ControlPlaneSnapshotSource source;
    private RedisSnapshotWakeup redis;

    @AfterEach
    void stop() {
        if (redis != null) {
            redis.close();
        }
        if (source != null) {
            source.close();
        }
        if (control != null) {
            control.close();
        }
    }

    private EncryptedSnapshotFile file() {
        return new EncryptedSnapshotFile(EncryptedSnapshotFile.fileFor(dir, ENV), ENV,
                EncryptedSnapshotFile.key(null, FakeControlPlane.TOKEN));
    }

    private ControlPlaneSnapshotSource source(URI base, String token, Duration wait) {
        return new ControlPlaneSnapshotSource(new ControlPlaneSnapshotSource.Settings(base, ENV, token, wait), file(), metrics);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void startsFromTheControlPlaneAndFollowsEveryNewVersion() throws Exception {
        control = new FakeControlPlane(EncryptedSnapshotFileTest.snapshot(4));
        source = source(control.baseUrl(), FakeControlPlane.TOKEN, Duration.ofSeconds(30));

        GatewaySnapshot first = source.initial();
        SnapshotHolder holder = new SnapshotHolder(first);
        source.start(holder);

        assertEquals(4, first.version());
        assertEquals(first, file().read().orElseThrow());
        await("a waiting poll", () -> control.queries().contains("after=4&waitSeconds=30"));
        GatewaySnapshot v5 = EncryptedSnapshotFileTest.snapshot(5).withKeys(java.util.List.of());
        control.publish(v5);
        await("version 5", () -> source.controlVersion() == 5);
        assertEquals(5, file().read().orElseThrow().version());
        assertEquals(5, holder.current().version(), "one version after the first");
        assertEquals(v5.routes(), holder.current().routes());
    }

    @Test
    void aProxyStartsFromTheStoredSnapshotWhenTheControlPlaneIsDown() throws Exception {
        file().write(EncryptedSnapshotFileTest.snapshot(9));
        source = source(URI.create("http://127.0.0.1:" + freePort()), FakeControlPlane.TOKEN, Duration.ofSeconds(1));

        GatewaySnapshot first = source.initial();

        assertEquals(9, first.version());
        assertEquals(EncryptedSnapshotFileTest.snapshot(9), first);
    }

    @Test
    void withNeitherControlPlaneNorStoredSnapshotTheStartFailsSayingWhy() throws Exception {
        source = source(URI.create("http://127.0.0.1:" + freePort()), FakeControlPlane.TOKEN, Duration.ofSeconds(1));

        IllegalStateException e = assertThrows(IllegalStateException.class, source::initial);

        assertTrue(e.getMessage().contains("gave no snapshot (") && e.getMessage().contains("no stored snapshot"), e.getMessage());
    }

    @Test
    void aWrongTokenIsRefusedAndNeverLogged() throws Exception {
        control = new FakeControlPlane(EncryptedSnapshotFileTest.snapshot(1));
        source = source(control.baseUrl(), "wrong-token-0123456789", Duration.ofSeconds(1));

        IllegalStateException e = assertThrows(IllegalStateException.class, source::initial);

        assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
        assertTrue(!e.getMessage().contains("wrong-token"), e.getMessage());
        assertTrue(!source.toString().contains("wrong-token"));
    }

    @Test
    void aControlPlaneOutageKeepsTheSnapshotAndTheProxyCatchesUpAfterIt() throws Exception {
        control = new FakeControlPlane(EncryptedSnapshotFileTest.snapshot(1));
        source = source(control.baseUrl(), FakeControlPlane.TOKEN, Duration.ofSeconds(1));
        SnapshotHolder holder = new SnapshotHolder(source.initial());
        control.failWith(503);
        source.start(holder);
        await("a failed poll", () -> control.queries().size() >= 3);
        GatewaySnapshot served = holder.current();

        control.publish(EncryptedSnapshotFileTest.snapshot(2));
        assertEquals(served, holder.current());
        control.failWith(0);

        await("version 2 after the outage", () -> source.controlVersion() == 2);
    }

    @Test
    void aRedisNotificationWakesAPollThatTheControlPlaneWouldNotWake() throws Exception {
        assumeTrue(redisUp(), "Redis is not reachable at 127.0.0.1:6379");
        String channel = "brokle:test:" + UUID.randomUUID();
        control = new FakeControlPlane(EncryptedSnapshotFileTest.snapshot(1));
        control.wakeWaiters(false);
        source = source(control.baseUrl(), FakeControlPlane.TOKEN, Duration.ofSeconds(60));
        source.start(new SnapshotHolder(source.initial()));
        redis = RedisSnapshotWakeup.forSource(REDIS, channel, ENV, source);
        await("the subscription", redis::subscribed);
        await("a waiting poll", () -> control.queries().contains("after=1&waitSeconds=60"));

        control.publish(EncryptedSnapshotFileTest.snapshot(2));
        try (Jedis jedis = new Jedis(REDIS)) {
            jedis.publish(channel, "another-environment:99");
            jedis.publish(channel, ENV + ":2");
        }

        // Without the wake-up the poll would sit for its 60 seconds.
        await("version 2 through Redis", () -> source.controlVersion() == 2);
    }

    private static boolean redisUp() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
