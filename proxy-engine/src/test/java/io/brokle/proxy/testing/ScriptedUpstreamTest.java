package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.config.MockOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScriptedUpstreamTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String CHAT = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAMED_CHAT =
            "{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Duration WAIT = Duration.ofSeconds(2);

    private ScriptedUpstream upstream;
    private HttpClient http;

    @BeforeEach
    void start() {
        upstream = ScriptedUpstream.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        http.close();
        upstream.close();
    }

    @Test
    void answersLikeTheMockByDefaultAndRecordsTheRequest() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions?trace=1", CHAT);

        assertEquals(200, response.statusCode());
        assertEquals("chat.completion", MAPPER.readTree(response.body()).get("object").asText());
        RecordedRequest request = upstream.takeRequest(WAIT);
        assertEquals("POST", request.method());
        assertEquals("/v1/chat/completions?trace=1", request.uri());
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("Bearer secret", request.header("Authorization"));
        assertEquals("Bearer secret", request.header("authorization"));
        assertEquals(CHAT, request.bodyText());
        assertEquals(1, upstream.requests().size());
        assertNull(upstream.takeRequest(Duration.ZERO), "taken requests are not taken again");
    }

    @Test
    void queuedBehavioursComeFirstThenTheDefault() throws Exception {
        upstream.enqueue(Behaviour.status(503, "server_error", "overloaded"));
        upstream.setDefault(Behaviour.html200());

        HttpResponse<String> first = post("/v1/chat/completions", CHAT);
        HttpResponse<String> second = post("/v1/chat/completions", CHAT);

        assertEquals(503, first.statusCode());
        JsonNode error = MAPPER.readTree(first.body()).get("error");
        assertEquals("server_error", error.get("type").asText());
        assertEquals("overloaded", error.get("message").asText());
        assertEquals(200, second.statusCode());
        assertTrue(second.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        assertTrue(second.body().contains("<html>"));
    }

    @Test
    void rateLimitedAnswers429WithRetryAfterAndOpenAiBody() throws Exception {
        upstream.enqueue(Behaviour.rateLimited("2"));

        HttpResponse<String> response = post("/v1/chat/completions", CHAT);

        assertEquals(429, response.statusCode());
        assertEquals("2", response.headers().firstValue("retry-after").orElseThrow());
        JsonNode error = MAPPER.readTree(response.body()).get("error");
        assertEquals("requests", error.get("type").asText());
        assertEquals("rate_limit_exceeded", error.get("code").asText());
    }

    @Test
    void slowFirstByteDelaysThenAnswersNormally() throws Exception {
        upstream.enqueue(Behaviour.slowFirstByte(Duration.ofMillis(150)));

        long started = System.nanoTime();
        HttpResponse<String> response = post("/v1/chat/completions", CHAT);

        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 150);
        assertEquals(200, response.statusCode());
        assertEquals("chat.completion", MAPPER.readTree(response.body()).get("object").asText());
    }

    @Test
    void malformedJsonIsA200WithATruncatedBody() throws Exception {
        upstream.enqueue(Behaviour.malformedJson());

        HttpResponse<String> response = post("/v1/chat/completions", CHAT);

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertThrows(IOException.class, () -> MAPPER.readTree(response.body()));
    }

    @Test
    void dropBeforeResponseClosesWithoutAnswering() throws Exception {
        upstream.enqueue(Behaviour.dropBeforeResponse());

        try (Socket socket = connect()) {
            send(socket, STREAMED_CHAT);

            assertEquals(-1, socket.getInputStream().read());
        }
        assertNotNull(upstream.takeRequest(WAIT), "the request was read before the close");
        assertTrue(upstream.awaitConnectionClosed(WAIT));
    }

    @Test
    void dropAfterChunksSendsThemThenFinWithoutTerminalChunk() throws Exception {
        upstream.enqueue(Behaviour.dropAfterChunks(3));

        try (Socket socket = connect()) {
            send(socket, STREAMED_CHAT);
            String received = readToEnd(socket.getInputStream());

            assertTrue(received.startsWith("HTTP/1.1 200 OK"), received);
            assertEquals(1 + 3, count(received, "data: "), received);
            assertFalse(received.contains("[DONE]"), received);
            assertFalse(received.contains("finish_reason\":\"stop"), received);
            assertFalse(received.endsWith("0\r\n\r\n"), "no terminal chunk");
        }
        assertTrue(upstream.awaitConnectionClosed(WAIT));
    }

    @Test
    void resetAfterChunksSendsThemThenRst() throws Exception {
        upstream.enqueue(Behaviour.resetAfterChunks(2));

        try (Socket socket = connect()) {
            send(socket, STREAMED_CHAT);
            InputStream in = socket.getInputStream();

            SocketException reset = assertThrows(SocketException.class, () -> readToEnd(in));
            assertTrue(reset.getMessage().toLowerCase(java.util.Locale.ROOT).contains("reset"), reset.getMessage());
        }
        assertTrue(upstream.awaitConnectionClosed(WAIT));
    }

    @Test
    void stallAfterChunksKeepsTheConnectionOpenAndSilent() throws Exception {
        upstream.enqueue(Behaviour.stallAfterChunks(2));

        try (Socket socket = connect()) {
            send(socket, STREAMED_CHAT);
            String received = readUntil(socket.getInputStream(), 1 + 2);

            assertFalse(received.contains("[DONE]"), received);
            socket.setSoTimeout(200);
            assertThrows(SocketTimeoutException.class, () -> socket.getInputStream().read(),
                    "nothing after the stall");
            assertEquals(1, upstream.openConnections());
        }
        assertTrue(upstream.awaitConnectionClosed(WAIT), "the client's close reaches the upstream");
        assertEquals(0, upstream.openConnections());
        assertEquals(1, upstream.connectionsAccepted());
    }

    @Test
    void aCutOnANonStreamedRequestSendsTheHeadOnly() throws Exception {
        upstream.enqueue(Behaviour.dropAfterChunks(1));

        try (Socket socket = connect()) {
            send(socket, CHAT);
            String received = readToEnd(socket.getInputStream());

            assertTrue(received.startsWith("HTTP/1.1 200 OK"), received);
            assertTrue(received.toLowerCase(java.util.Locale.ROOT).contains("content-length: "), received);
            assertTrue(received.endsWith("\r\n\r\n"), "no body after the head: " + received);
        }
    }

    @Test
    void streamsAtTheConfiguredChunkDelay() throws Exception {
        MockOptions slow = new MockOptions(Duration.ZERO, Duration.ofMillis(20), 3, 4, 8);
        try (ScriptedUpstream slowUpstream = ScriptedUpstream.start(slow)) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(slowUpstream.baseUrl() + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(STREAMED_CHAT)).build();

            long started = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

            assertEquals(1 + 3 + 1 + 1, count(response.body(), "data: "));
            // Five gaps between six events.
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 5 * 20);
        }
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + upstream.port() + path))
                .header("Authorization", "Bearer secret")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", upstream.port());
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static void send(Socket socket, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                + "content-length: " + body.length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
    }

    private static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        in.transferTo(received);
        return received.toString(StandardCharsets.UTF_8);
    }

    /** Reads until {@code events} SSE events have arrived. */
    private static String readUntil(InputStream in, int events) throws IOException {
        StringBuilder received = new StringBuilder();
        byte[] buffer = new byte[8192];
        while (count(received.toString(), "\n\n") < events) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return received.toString();
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
