package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.assertOpenAiError;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.metric;
import static io.brokle.proxy.EndToEndSupport.parse;
import static io.brokle.proxy.RawHttpSupport.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.proxy.RawHttpSupport.Response;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the gateway does with clients that send too much, too little, too slowly or the wrong
 * thing, seen through raw sockets: {@code maxBodyBytes} 1 MiB, {@code maxHeaderBytes} 32 KiB
 * (the default), {@code requestReadTimeout} 2 s.
 */
class ClientLimitsTest {
    private static final int MAX_BODY = 1024 * 1024;
    private static final String KEY = TestGateway.KEY;

    private static ScriptedUpstream upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() {
        upstream = ScriptedUpstream.start();
        gateway = TestGateway.start(TestGateway.openAiYaml(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void announcedOversizedBodyGets413BeforeAnyOfItIsSent() throws Exception {
        int before = upstream.requestCount();
        try (RawHttpSupport c = open()) {
            long started = System.nanoTime();
            c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + (2 * MAX_BODY) + "\r\n\r\n");

            Response r = c.readResponse();

            assertEquals(413, r.status());
            assertTrue(elapsedMillis(started) < 1500, "answered at once, not after the read timeout");
            assertOpenAiError(r.text(), "request_too_large");
            assertEquals("invalid_request_error", parse(r.text()).path("error").path("type").asText());
            assertTrue(c.awaitClosed(Duration.ofSeconds(1)), "the connection closes, so the body is never read");
        }
        assertEquals(before, upstream.requestCount(), "nothing went upstream");
    }

    @Test
    void expectContinueWithOversizedBodyGets413AndNever100Continue() throws Exception {
        try (RawHttpSupport c = open()) {
            c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + (2 * MAX_BODY) + "\r\n\r\n");

            Response r = c.readResponse();

            assertNotEquals(100, r.status(), "no invitation to send an oversized body");
            assertEquals(413, r.status());
            assertTrue(c.awaitClosed(Duration.ofSeconds(1)), "the connection closes");
            assertTrue(r.text().contains("request_too_large"), "413 in OpenAI's format like without Expect; got headers "
                    + r.headers() + " and body '" + r.text() + "'");
            assertOpenAiError(r.text(), "request_too_large");
        }
    }

    @Test
    void expectContinueWithAcceptableBodyGets100ContinueThenTheAnswer() throws Exception {
        byte[] body = chat("gpt-test", "Hello!", false).getBytes(StandardCharsets.UTF_8);
        try (RawHttpSupport c = open()) {
            c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n");

            assertEquals(100, c.readHead().status());
            c.write(body);
            Response r = c.readResponse();

            assertEquals(200, r.status(), r.text());
            assertEquals("chat.completion", parse(r.text()).path("object").asText());
        }
    }

    @Test
    void chunkedBodyOverTheLimitGets413AndTheConnectionCloses() throws Exception {
        int before = upstream.requestCount();
        try (RawHttpSupport c = open()) {
            c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            // Write from another thread: the gateway may stop reading (and close) before all of it is sent.
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                byte[] filler = new byte[64 * 1024];
                Arrays.fill(filler, (byte) ' ');
                byte[] size = (Integer.toHexString(filler.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    c.write("1\r\n{\r\n");
                    for (int sent = 0; sent <= MAX_BODY + filler.length; sent += filler.length) {
                        c.write(size);
                        c.write(filler);
                        c.write("\r\n");
                    }
                } catch (UncheckedIOException expected) {
                    // the gateway closed the connection while we were still sending
                }
            });

            Response r = c.readResponse();

            assertEquals(413, r.status());
            assertOpenAiError(r.text(), "request_too_large");
            assertTrue(c.awaitClosed(Duration.ofSeconds(2)), "the connection closes");
            writing.get(5, TimeUnit.SECONDS);
        }
        assertEquals(before, upstream.requestCount(), "nothing went upstream");
    }

    @Test
    void headersOverMaxHeaderBytesGet431() throws Exception {
        try (RawHttpSupport c = open()) {
            c.write("GET /v1/models HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + "X-Padding: " + "a".repeat(40 * 1024) + "\r\n\r\n");

            Response r = c.readResponse();

            assertEquals(431, r.status());
            assertOpenAiError(r.text(), null);
            assertTrue(c.awaitClosed(Duration.ofSeconds(1)), "framing is lost: the connection closes");
        }
    }

    @Test
    void requestLineTooLongGets414() throws Exception {
        try (RawHttpSupport c = open()) {
            c.write("GET /v1/models?q=" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: gw\r\n"
                    + "Authorization: Bearer " + KEY + "\r\n\r\n");

            Response r = c.readResponse();

            assertEquals(414, r.status());
            assertOpenAiError(r.text(), null);
            assertTrue(c.awaitClosed(Duration.ofSeconds(1)), "framing is lost: the connection closes");
        }
    }

    @Test
    void compressedBodyGets415() throws Exception {
        int before = upstream.requestCount();
        byte[] body = chat("gpt-test", "Hello!", false).getBytes(StandardCharsets.UTF_8);
        try (RawHttpSupport c = open()) {
            c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Encoding: gzip\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n");
            c.write(body);

            Response r = c.readResponse();

            assertEquals(415, r.status());
            assertOpenAiError(r.text(), "unsupported_content_encoding");
            c.write(RawHttpSupport.get("/health", null));
            assertEquals(200, c.readResponse().status(), "the connection stays usable");
        }
        assertEquals(before, upstream.requestCount(), "nothing went upstream");
    }

    @Test
    void malformedJsonGets400() throws Exception {
        try (RawHttpSupport c = open()) {
            c.write(RawHttpSupport.post("/v1/chat/completions", bearer(KEY), "{\"model\":\"gpt-test\",\"messages\":["));

            Response r = c.readResponse();

            assertEquals(400, r.status());
            assertOpenAiError(r.text(), null);
            assertEquals("invalid_request_error", parse(r.text()).path("error").path("type").asText());
            assertTrue(r.header("x-request-id") != null, "every answer carries x-request-id");
        }
    }

    @Test
    void slowClientsAreDisconnectedAfterTheRequestReadTimeout() throws Exception {
        try (RawHttpSupport partialLine = open(); RawHttpSupport partialHeaders = open()) {
            long started = System.nanoTime();
            partialLine.write("POST /v1/chat/compl");
            partialHeaders.write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bear");

            assertFalse(partialLine.awaitClosed(Duration.ofMillis(1500)), "still open well before the 2 s timeout");
            assertTrue(partialLine.awaitClosed(Duration.ofMillis(2500)), "closed after the 2 s read timeout");
            long lineClosed = elapsedMillis(started);
            assertTrue(partialHeaders.awaitClosed(Duration.ofMillis(500)), "closed after the 2 s read timeout");
            long headersClosed = elapsedMillis(started);

            assertTrue(lineClosed >= 1500 && lineClosed < 4000, "partial request line closed after " + lineClosed + " ms");
            assertTrue(headersClosed >= 1500 && headersClosed < 4000, "partial headers closed after " + headersClosed + " ms");
        }
    }

    @Test
    void slowBodyIsDisconnectedAfterTheRequestReadTimeout() throws Exception {
        int before = upstream.requestCount();
        try (RawHttpSupport c = open()) {
            long started = System.nanoTime();
            c.write("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer " + KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":");

            assertTrue(c.awaitClosed(Duration.ofSeconds(4)), "a trickled body is cut off");
            long closed = elapsedMillis(started);
            assertTrue(closed >= 1500, "not before the 2 s read timeout: " + closed + " ms");
        }
        assertEquals(before, upstream.requestCount(), "nothing went upstream");
    }

    @Test
    void idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        String yaml = "server: {requestReadTimeout: 2s, idleTimeout: 1s}\n"
                + "providers:\n"
                + "  - {name: upstream, kind: openai, baseUrl: " + upstream.baseUrl() + "}\n"
                + "deployments:\n"
                + "  - {name: main, provider: upstream, model: upstream-model}\n"
                + "routes:\n"
                + "  - {model: gpt-test, deployments: [main]}\n"
                + "keys:\n"
                + "  - {id: test, hash: " + TestGateway.hash(KEY) + ", tenant: acme/app/dev}\n";
        try (TestGateway idleGateway = TestGateway.start(yaml); RawHttpSupport c = open(idleGateway.port())) {
            c.write(RawHttpSupport.post("/v1/chat/completions", bearer(KEY), chat("gpt-test", "Hello!", false)));
            Response answered = c.readResponse();
            assertEquals(200, answered.status(), answered.text());
            c.write(RawHttpSupport.get("/health", null));
            assertEquals(200, c.readResponse().status(), "kept alive for a second request");
            long idleSince = System.nanoTime();

            assertFalse(c.awaitClosed(Duration.ofMillis(600)), "still open before the 1 s idle timeout");
            assertTrue(c.awaitClosed(Duration.ofSeconds(2)), "closed after the 1 s idle timeout");
            long closed = elapsedMillis(idleSince);
            assertTrue(closed >= 700 && closed < 3000, "closed after " + closed + " ms of idleness");
        }
    }

    @Test
    void unknownPathIs404WithAKeyAnd401Without() throws Exception {
        try (RawHttpSupport c = open()) {
            c.write(RawHttpSupport.get("/v1/assistants", bearer(KEY)));
            Response known = c.readResponse();
            c.write(RawHttpSupport.get("/v1/assistants", null));
            Response anonymous = c.readResponse();

            assertEquals(404, known.status());
            assertOpenAiError(known.text(), "not_found");
            assertEquals(401, anonymous.status(), "the allowlist is /health and /metrics only");
            assertOpenAiError(anonymous.text(), "missing_api_key");
        }
    }

    @Test
    void getOnChatCompletionsIs405() throws Exception {
        try (RawHttpSupport c = open()) {
            c.write(RawHttpSupport.get("/v1/chat/completions", bearer(KEY)));

            Response r = c.readResponse();

            assertEquals(405, r.status());
            assertOpenAiError(r.text(), "method_not_allowed");
            assertEquals("POST", r.header("allow"));
        }
    }

    @Test
    void healthAndMetricsNeedNoKey() throws Exception {
        try (RawHttpSupport c = open()) {
            c.write(RawHttpSupport.get("/health", null));
            Response health = c.readResponse();
            c.write(RawHttpSupport.get("/metrics", null));
            Response metrics = c.readResponse();

            assertEquals(200, health.status());
            assertEquals("ok", parse(health.text()).path("status").asText());
            assertEquals(gateway.holder().current().version(), parse(health.text()).path("configVersion").asLong());
            assertEquals(200, metrics.status());
            assertTrue(metrics.header("content-type").startsWith("text/plain"), metrics.header("content-type"));
            assertEquals(gateway.holder().current().version(), metric(metrics.text(), "brokle_config_version"));
        }
    }

    private static RawHttpSupport open() {
        return open(gateway.port());
    }

    private static RawHttpSupport open(int port) {
        return RawHttpSupport.connect(port);
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
