package io.brokle.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.MockOptions;
import io.brokle.proxy.mock.MockProviderServer;
import io.brokle.proxy.netty.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The load generator against the project's mock provider on loopback: every request due in the
 * window is sent and counted, streams are checked to their {@code [DONE]}, error statuses are
 * counted as errors, and a server slower than the schedule shows up in the corrected latency
 * (measured from the due time), not only in the service time. About two seconds in all.
 */
class OpenLoopLoadTest {
    private final Transport transport = Transport.detect();
    private final EventLoopGroup group = transport.newGroup(1, "mock");
    private MockProviderServer server;

    private String start(Duration latency) {
        server = MockProviderServer.start(new MockOptions(latency, Duration.ZERO, 4, 8, 8), group, transport,
                "127.0.0.1", 0);
        return server.baseUrl();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @SuppressWarnings("unchecked")
    @Test
    void everyDueStreamedRequestIsSentAndEndsInDone() throws Exception {
        String base = start(Duration.ZERO);
        ChatRequest request = new ChatRequest(URI.create(base + "/chat/completions"), "mock-1", true, null);
        Map<String, Object> r = new OpenLoopLoad(request, 100, 4, Duration.ofMillis(500), Duration.ofMillis(200),
                Duration.ofSeconds(5), 1).run();
        assertEquals(50L, r.get("requests_due"), "100/s for half a second");
        assertEquals(50L, r.get("ok"), r::toString);
        assertEquals(0L, r.get("errors_total"), r::toString);
        Map<String, Object> first = (Map<String, Object>) r.get("first_chunk_us");
        assertEquals(50L, first.get("count"));
        Map<String, Object> latency = (Map<String, Object>) r.get("latency_us");
        assertTrue(((Number) first.get("p50")).longValue() <= ((Number) latency.get("p50")).longValue(),
                "the first chunk comes no later than the end");
    }

    @Test
    void errorStatusesAreCountedAsErrors() throws Exception {
        String base = start(Duration.ZERO);
        ChatRequest request = new ChatRequest(URI.create(base + "/no-such-endpoint"), "mock-1", false, null);
        Map<String, Object> r = new OpenLoopLoad(request, 0, 1, Duration.ofMillis(200), Duration.ZERO,
                Duration.ofSeconds(5), 1).run();
        assertEquals(0L, r.get("ok"), r::toString);
        assertTrue(((Number) r.get("errors_total")).longValue() > 0, r::toString);
        assertEquals(r.get("requests_due"), ((Map<?, ?>) r.get("errors")).get("status"));
    }

    @SuppressWarnings("unchecked")
    @Test
    void aServerSlowerThanTheScheduleShowsInTheCorrectedLatency() throws Exception {
        // One connection, a request due every 25 ms, answers taking 60 ms: requests queue up.
        String base = start(Duration.ofMillis(60));
        ChatRequest request = new ChatRequest(URI.create(base + "/chat/completions"), "mock-1", false, null);
        Map<String, Object> r = new OpenLoopLoad(request, 40, 1, Duration.ofMillis(300), Duration.ZERO,
                Duration.ofSeconds(5), 1).run();
        assertEquals(12L, r.get("requests_due"));
        assertEquals(12L, r.get("ok"), r::toString);
        long service = ((Number) ((Map<String, Object>) r.get("service_time_us")).get("p50")).longValue();
        long corrected = ((Number) ((Map<String, Object>) r.get("latency_us")).get("max")).longValue();
        assertTrue(service >= 60_000, "service time " + service);
        // The last request was due at 275 ms and answered after 12 x 60 ms or more: at least 445 ms late.
        assertTrue(corrected >= 445_000 && corrected > 3 * service,
                "corrected " + corrected + " us vs service p50 " + service + " us");
    }
}
