package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.await;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.parse;
import static io.brokle.proxy.EndToEndSupport.streamedContent;
import static io.brokle.proxy.RawHttpSupport.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.MockOptions;
import io.brokle.proxy.RawHttpSupport.Head;
import io.brokle.proxy.RawHttpSupport.Response;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ProxyServer.stop(grace)}, what SIGTERM runs: the listener closes at once, {@code /health}
 * turns 503, requests in flight get the grace period to finish, and whatever is left after it
 * is closed.
 */
class GracefulShutdownTest {
    private ScriptedUpstream upstream;
    private TestGateway gw;
    private boolean stopped;

    @AfterEach
    void cleanUp() {
        if (gw != null && !stopped) {
            gw.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aStreamInFlightFinishesWhileNewConnectionsAreRefusedAndHealthSaysDraining() throws Exception {
        // 10 chunks 150 ms apart: about 1.5 s of stream, well inside the 5 s grace.
        start(new MockOptions(Duration.ZERO, Duration.ofMillis(150), 10, 8, 64));
        try (RawHttpSupport keepAlive = RawHttpSupport.connect(gw.port());
             RawHttpSupport stream = RawHttpSupport.connect(gw.port())) {
            keepAlive.write(RawHttpSupport.get("/health", null));
            assertEquals(200, keepAlive.readResponse().status(), "healthy before the stop");
            ByteArrayOutputStream events = startStream(stream);

            long stopStarted = System.nanoTime();
            CompletableFuture<Long> stopping = stopInBackground(Duration.ofSeconds(5));

            assertTrue(await(() -> refused(gw.port()), Duration.ofSeconds(1)),
                    "timed out waiting for new connections to be refused");
            keepAlive.write(RawHttpSupport.get("/health", null));
            Response health = keepAlive.readResponse();
            assertEquals(503, health.status(), "a load balancer sees the gateway draining");
            assertEquals("draining", parse(health.text()).path("status").asText(), health.text());
            assertEquals("close", health.header("connection"), "a draining gateway does not keep connections");
            assertTrue(keepAlive.awaitClosed(Duration.ofSeconds(1)), "the keep-alive connection is closed after the answer");

            for (byte[] chunk = stream.readChunk(); chunk != null; chunk = stream.readChunk()) {
                events.writeBytes(chunk);
            }
            String text = events.toString(StandardCharsets.UTF_8);
            assertTrue(text.endsWith("data: [DONE]\n\n"), "the in-flight stream completed normally:\n" + text);
            assertEquals(80, streamedContent(text).length(), "all 10 chunks of 8 characters arrived:\n" + text);
            assertFalse(text.contains("\"error\""), text);

            long stopMillis = stopping.get(4, TimeUnit.SECONDS);
            assertTrue(stopMillis < 4500, "stop returned once nothing was in flight, not after the whole grace: "
                    + stopMillis + " ms");
            assertTrue((System.nanoTime() - stopStarted) / 1_000_000 >= 1000, "stop waited for the stream");
        }
    }

    @Test
    void aStreamLongerThanTheGraceIsCutWhenTheGraceEnds() throws Exception {
        // 20 chunks 200 ms apart: 4 s of stream against a 500 ms grace.
        start(new MockOptions(Duration.ZERO, Duration.ofMillis(200), 20, 8, 64));
        try (RawHttpSupport stream = RawHttpSupport.connect(gw.port())) {
            ByteArrayOutputStream events = startStream(stream);

            long started = System.nanoTime();
            gw.server().stop(Duration.ofMillis(500));
            stopped = true;
            long stopMillis = (System.nanoTime() - started) / 1_000_000;

            assertTrue(stopMillis >= 450, "stop waited for the grace: " + stopMillis + " ms");
            assertTrue(stopMillis < 3000, "stop returned soon after the grace: " + stopMillis + " ms");
            boolean cut = false;
            stream.setReadTimeout(Duration.ofSeconds(2));
            try {
                for (byte[] chunk = stream.readChunk(); chunk != null; chunk = stream.readChunk()) {
                    events.writeBytes(chunk);
                }
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof EOFException || e.getCause() instanceof SocketException)) {
                    throw e;
                }
                cut = true; // the connection was closed
            }
            String text = events.toString(StandardCharsets.UTF_8);
            assertTrue(cut, "the client's connection was closed mid-stream:\n" + text);
            assertFalse(text.contains("[DONE]"), "a cut stream never looks complete:\n" + text);
            assertTrue(upstream.awaitConnectionClosed(Duration.ofSeconds(2)),
                    "the upstream request was abandoned, not left running");
        }
    }

    @Test
    void stopWithNothingInFlightReturnsAtOnce() throws Exception {
        start(MockOptions.DEFAULTS);
        try (RawHttpSupport idle = RawHttpSupport.connect(gw.port())) {
            idle.write(RawHttpSupport.get("/health", null));
            assertEquals(200, idle.readResponse().status());

            long started = System.nanoTime();
            gw.server().stop(Duration.ofSeconds(5));
            stopped = true;
            long stopMillis = (System.nanoTime() - started) / 1_000_000;

            assertTrue(stopMillis < 2500, "no request in flight, so no waiting for the grace: " + stopMillis + " ms");
            assertTrue(idle.awaitClosed(Duration.ofSeconds(1)), "idle connections are closed");
            assertTrue(refused(gw.port()), "nothing listens any more");
        }
    }

    private void start(MockOptions options) {
        upstream = ScriptedUpstream.start(options);
        gw = TestGateway.start(TestGateway.openAiYaml(upstream.baseUrl()));
    }

    /** Sends a streamed chat request and reads its head and first event. */
    private static ByteArrayOutputStream startStream(RawHttpSupport stream) {
        stream.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", "Hello!", true)));
        Head head = stream.readHead();
        assertEquals(200, head.status());
        assertEquals("chunked", head.header("transfer-encoding"));
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        events.writeBytes(stream.readChunk());
        return events;
    }

    /** Runs {@code stop(grace)} on its own thread; completes with how long it took, in milliseconds. */
    private CompletableFuture<Long> stopInBackground(Duration grace) {
        stopped = true;
        CompletableFuture<Long> done = new CompletableFuture<>();
        Thread.ofPlatform().name("test-stop").start(() -> {
            long started = System.nanoTime();
            try {
                gw.server().stop(grace);
                done.complete((System.nanoTime() - started) / 1_000_000);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
