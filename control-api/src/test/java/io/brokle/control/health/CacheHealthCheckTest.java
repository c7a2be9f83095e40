package io.brokle.control.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.codahale.metrics.health.HealthCheck;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheHealthCheckTest {
    @Test
    void inProcessCachesAnswer() {
        CacheHealthCheck check = CacheHealthCheck.inProcess();

        assertEquals("in-process", check.layer());
        assertTrue(check.execute().isHealthy());
    }

    @Test
    void redisThatAnswersPingIsHealthy() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
        } catch (Exception e) {
            assumeTrue(false, "no Redis on 127.0.0.1:6379");
        }
        CacheHealthCheck check = CacheHealthCheck.redis(URI.create("redis://127.0.0.1:6379"), Duration.ofSeconds(1));

        HealthCheck.Result result = check.execute();

        assertEquals("redis", check.layer());
        assertTrue(result.isHealthy(), result.getMessage());
        assertTrue(result.getMessage().startsWith("redis at 127.0.0.1:6379 answered PING in "), result.getMessage());
    }

    @Test
    void redisThatNeverAnswersIsDownWithinTheTimeoutAndTheMessageHoldsNoPassword() throws Exception {
        // Accepts the connection but never speaks: the PING must time out, not hang.
        try (ServerSocket silent = new ServerSocket(0)) {
            CacheHealthCheck check = CacheHealthCheck.redis(
                    URI.create("redis://:s3cret-password@127.0.0.1:" + silent.getLocalPort()), Duration.ofMillis(300));
            long start = System.nanoTime();

            HealthCheck.Result result = check.execute();

            assertFalse(result.isHealthy());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(3)) < 0);
            assertTrue(result.getMessage().contains("did not answer PING within 300 ms"), result.getMessage());
            assertFalse(result.getMessage().contains("s3cret"), result.getMessage());
        }
    }

    @Test
    void redisThatRefusesConnectionsIsDown() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HealthCheck.Result result = CacheHealthCheck.redis(URI.create("redis://127.0.0.1:" + port), Duration.ofMillis(300))
                .execute();

        assertFalse(result.isHealthy());
    }
}
