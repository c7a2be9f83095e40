package io.brokle.control.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two control-plane nodes sharing Redis: a change committed on one wakes the polls waiting on the other. */
class RedisSnapshotChannelTest {
    private static final URI REDIS = URI.create("redis://127.0.0.1:6379");

    static boolean redisUp() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void awaitSubscribed(RedisSnapshotChannel channel) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!channel.subscribed()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no Redis subscription on " + channel.channel());
            }
            Thread.sleep(5);
        }
    }

    @Test
    void aPublicationOnOneNodeWakesAWaiterOnAnother() throws Exception {
        assumeTrue(redisUp(), "Redis is not reachable at 127.0.0.1:6379");
        String name = "brokle:test:" + UUID.randomUUID();
        SnapshotPublisher nodeA = new SnapshotPublisher();
        SnapshotPublisher nodeB = new SnapshotPublisher();
        UUID env = UUID.randomUUID();
        try (RedisSnapshotChannel a = new RedisSnapshotChannel(REDIS, name, nodeA);
             RedisSnapshotChannel b = new RedisSnapshotChannel(REDIS, name, nodeB)) {
            nodeA.useRedis(a);
            nodeB.useRedis(b);
            awaitSubscribed(a);
            awaitSubscribed(b);
            nodeB.heard(env, 2);
            CompletableFuture<Long> waiting = nodeB.awaitNewer(env, 2);

            nodeA.published(env, 3);

            assertEquals(3L, waiting.get(5, TimeUnit.SECONDS));
        }
    }
}
