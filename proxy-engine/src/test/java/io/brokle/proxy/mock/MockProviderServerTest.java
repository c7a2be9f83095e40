package io.brokle.proxy.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.config.MockOptions;
import io.brokle.proxy.mock.MockCompletions.Completion;
import io.brokle.proxy.netty.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MockProviderServerTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HELLO = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]";
    private static final MockCompletions COMPLETIONS = new MockCompletions(MockOptions.DEFAULTS);

    private static final Transport TRANSPORT = Transport.detect();
    private static EventLoopGroup group;
    private static MockProviderServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        group = TRANSPORT.newGroup(1, "mock-provider-test");
        server = MockProviderServer.start(MockOptions.DEFAULTS, group, TRANSPORT, "127.0.0.1", 0);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void nonStreamedChatHasOpenAiShape() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", HELLO + "}");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertEquals(response.body().getBytes(StandardCharsets.UTF_8).length,
                response.headers().firstValueAsLong("content-length").orElseThrow());
        JsonNode body = MAPPER.readTree(response.body());
        Completion expected = COMPLETIONS.complete("user\nhello\n");
        assertEquals("chatcmpl-mock-" + expected.idSuffix(), body.get("id").asText());
        assertEquals("chat.completion", body.get("object").asText());
        assertTrue(body.get("created").isIntegralNumber());
        assertEquals("gpt-4o-mini", body.get("model").asText());
        assertEquals("fp_mock", body.get("system_fingerprint").asText());
        JsonNode choice = body.get("choices").get(0);
        assertEquals(1, body.get("choices").size());
        assertEquals(0, choice.get("index").asInt());
        assertEquals("assistant", choice.at("/message/role").asText());
        assertEquals(expected.content(), choice.at("/message/content").asText());
        assertTrue(choice.at("/message/refusal").isNull());
        assertTrue(choice.get("logprobs").isNull());
        assertEquals("stop", choice.get("finish_reason").asText());
        JsonNode usage = body.get("usage");
        assertEquals(expected.promptTokens(), usage.get("prompt_tokens").asInt());
        assertEquals(MockOptions.DEFAULT_CHUNKS, usage.get("completion_tokens").asInt());
        assertEquals(expected.totalTokens(), usage.get("total_tokens").asInt());
        assertEquals(0, usage.at("/prompt_tokens_details/cached_tokens").asInt(-1));
        assertEquals(0, usage.at("/completion_tokens_details/reasoning_tokens").asInt(-1));
    }

    @Test
    void streamedChatSendsRoleContentFinishUsageAndDone() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions",
                HELLO + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertEquals("chunked", response.headers().firstValue("transfer-encoding").orElseThrow());
        List<String> events = sseData(response.body());
        int chunks = MockOptions.DEFAULT_CHUNKS;
        assertEquals(1 + chunks + 1 + 1 + 1, events.size(), response.body());
        Completion expected = COMPLETIONS.complete("user\nhello\n");

        JsonNode role = MAPPER.readTree(events.get(0));
        assertEquals("chat.completion.chunk", role.get("object").asText());
        assertEquals("chatcmpl-mock-" + expected.idSuffix(), role.get("id").asText());
        assertEquals("assistant", role.at("/choices/0/delta/role").asText());
        assertEquals("", role.at("/choices/0/delta/content").asText());
        assertTrue(role.at("/choices/0/finish_reason").isNull());
        assertTrue(role.get("usage").isNull());
        StringBuilder content = new StringBuilder();
        for (int i = 1; i <= chunks; i++) {
            JsonNode chunk = MAPPER.readTree(events.get(i));
            assertEquals(MockOptions.DEFAULT_CHUNK_CHARS, chunk.at("/choices/0/delta/content").asText().length());
            assertTrue(chunk.at("/choices/0/finish_reason").isNull());
            assertTrue(chunk.get("usage").isNull(), "usage:null in every chunk with include_usage");
            content.append(chunk.at("/choices/0/delta/content").asText());
        }
        assertEquals(expected.content(), content.toString());
        JsonNode finish = MAPPER.readTree(events.get(chunks + 1));
        assertEquals(0, finish.at("/choices/0/delta").size());
        assertEquals("stop", finish.at("/choices/0/finish_reason").asText());
        JsonNode usage = MAPPER.readTree(events.get(chunks + 2));
        assertEquals(0, usage.get("choices").size());
        assertEquals(expected.totalTokens(), usage.at("/usage/total_tokens").asInt());
        assertEquals("[DONE]", events.get(chunks + 3));
    }

    @Test
    void streamedChatWithoutIncludeUsageHasNoUsageField() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", HELLO + ",\"stream\":true}");

        List<String> events = sseData(response.body());
        assertEquals(1 + MockOptions.DEFAULT_CHUNKS + 1 + 1, events.size());
        for (String event : events.subList(0, events.size() - 1)) {
            assertFalse(MAPPER.readTree(event).has("usage"), event);
        }
        assertEquals("[DONE]", events.getLast());
    }

    @Test
    void legacyCompletionsAnswerTextAndStreamIt() throws Exception {
        String request = "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"say hi\"";
        Completion expected = COMPLETIONS.complete("say hi");

        JsonNode whole = MAPPER.readTree(post("/v1/completions", request + "}").body());
        assertEquals("text_completion", whole.get("object").asText());
        assertEquals(expected.content(), whole.at("/choices/0/text").asText());
        assertEquals("stop", whole.at("/choices/0/finish_reason").asText());
        assertEquals(expected.promptTokens(), whole.at("/usage/prompt_tokens").asInt());

        List<String> events = sseData(post("/v1/completions",
                request + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}").body());
        assertEquals(MockOptions.DEFAULT_CHUNKS + 1 + 1 + 1, events.size());
        StringBuilder text = new StringBuilder();
        for (String event : events.subList(0, MockOptions.DEFAULT_CHUNKS)) {
            text.append(MAPPER.readTree(event).at("/choices/0/text").asText());
        }
        assertEquals(expected.content(), text.toString());
        assertEquals("stop", MAPPER.readTree(events.get(MockOptions.DEFAULT_CHUNKS)).at("/choices/0/finish_reason").asText());
        assertEquals(expected.totalTokens(),
                MAPPER.readTree(events.get(MockOptions.DEFAULT_CHUNKS + 1)).at("/usage/total_tokens").asInt());
        assertEquals("[DONE]", events.getLast());
    }

    @Test
    void embeddingsAnswerOneUnitVectorPerInput() throws Exception {
        HttpResponse<String> response = post("/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":[\"fox\",\"dog\"],\"encoding_format\":\"float\"}");

        assertEquals(200, response.statusCode());
        JsonNode body = MAPPER.readTree(response.body());
        assertEquals("list", body.get("object").asText());
        assertEquals("text-embedding-3-small", body.get("model").asText());
        assertEquals(2, body.get("data").size());
        JsonNode first = body.get("data").get(0);
        assertEquals("embedding", first.get("object").asText());
        assertEquals(0, first.get("index").asInt());
        float[] expected = COMPLETIONS.embedding("fox");
        assertEquals(expected.length, first.get("embedding").size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], first.get("embedding").get(i).floatValue());
        }
        assertEquals(MockCompletions.tokensFor(6), body.at("/usage/prompt_tokens").asInt());
        assertEquals(body.at("/usage/prompt_tokens").asInt(), body.at("/usage/total_tokens").asInt());
    }

    @Test
    void base64EmbeddingsAreLittleEndianFloat32() throws Exception {
        HttpResponse<String> response = post("/v1/embeddings",
                "{\"model\":\"text-embedding-3-small\",\"input\":\"fox\",\"encoding_format\":\"base64\",\"dimensions\":8}");

        JsonNode embedding = MAPPER.readTree(response.body()).at("/data/0/embedding");
        assertTrue(embedding.isTextual(), embedding.toString());
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(embedding.asText())).order(ByteOrder.LITTLE_ENDIAN);
        float[] expected = COMPLETIONS.embedding("fox", 8);
        assertEquals(expected.length * Float.BYTES, bytes.remaining());
        for (float value : expected) {
            assertEquals(value, bytes.getFloat());
        }
    }

    @Test
    void malformedJsonGets400InOpenAiFormat() throws Exception {
        HttpResponse<String> response = post("/v1/chat/completions", "{\"model\":");

        assertEquals(400, response.statusCode());
        JsonNode error = MAPPER.readTree(response.body()).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("could not parse the JSON body"));
        assertTrue(error.get("param").isNull());
        assertTrue(error.get("code").isNull());
    }

    @Test
    void missingModelOrMessagesGets400() throws Exception {
        HttpResponse<String> noModel = post("/v1/chat/completions", "{\"messages\":[]}");
        HttpResponse<String> noMessages = post("/v1/chat/completions", "{\"model\":\"m\"}");

        assertEquals(400, noModel.statusCode());
        assertEquals("you must provide a model parameter", MAPPER.readTree(noModel.body()).at("/error/message").asText());
        assertEquals(400, noMessages.statusCode());
        assertEquals("messages", MAPPER.readTree(noMessages.body()).at("/error/param").asText());
    }

    @Test
    void unknownPathGets404AndWrongMethod405() throws Exception {
        HttpResponse<String> unknown = post("/v1/assistants", "{}");
        HttpResponse<String> wrongMethod = http.send(HttpRequest.newBuilder(uri("/v1/chat/completions")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(404, unknown.statusCode());
        assertEquals("invalid_request_error", MAPPER.readTree(unknown.body()).at("/error/type").asText());
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("allow").orElseThrow());
        assertEquals("invalid_request_error", MAPPER.readTree(wrongMethod.body()).at("/error/type").asText());
    }

    @Test
    void modelsListTheMockModelWithOrWithoutV1Prefix() throws Exception {
        for (String path : List.of("/v1/models", "/models")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());

            JsonNode body = MAPPER.readTree(response.body());
            assertEquals("list", body.get("object").asText());
            assertEquals("mock-1", body.at("/data/0/id").asText());
            assertEquals("brokle-mock", body.at("/data/0/owned_by").asText());
        }
        assertEquals(200, post("/chat/completions", HELLO + "}").statusCode());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        String first = request("/v1/chat/completions", HELLO + ",\"stream\":true}");
        String second = request("/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}");

        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write((first + second).getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answers = readUntil(socket.getInputStream(), "\"object\":\"list\"");

            int stream = answers.indexOf("data: [DONE]");
            int embeddings = answers.indexOf("\"object\":\"list\"");
            assertTrue(stream > 0 && embeddings > stream, answers);
        }
    }

    @Test
    void latencyAndChunkDelayPaceTheAnswer() throws Exception {
        MockOptions slow = new MockOptions(Duration.ofMillis(60), Duration.ofMillis(10), 3, 4, 8);
        try (MockProviderServer slowServer = MockProviderServer.start(slow, group, TRANSPORT, "127.0.0.1", 0)) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(slowServer.baseUrl() + "/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString(HELLO + ",\"stream\":true}")).build();

            long started = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertEquals(1 + 3 + 1 + 1, sseData(response.body()).size());
            // Latency before the head, then five gaps between six events.
            assertTrue(elapsedMillis >= 60 + 5 * 10, "took " + elapsedMillis + " ms");
        }
    }

    @Test
    void aLargeStreamReachesASmallReceiveWindowWholeAndInOrder() throws Exception {
        MockOptions large = new MockOptions(Duration.ZERO, Duration.ZERO, 500, 1_000, 8);
        try (MockProviderServer largeServer = MockProviderServer.start(large, group, TRANSPORT, "127.0.0.1", 0);
             Socket socket = new Socket()) {
            // The reader takes 4 KiB at a time from a stream of some 600 KiB.
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", largeServer.port()));
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request("/v1/chat/completions", HELLO + ",\"stream\":true}")
                    .getBytes(StandardCharsets.UTF_8));

            String body = dechunk(readUntil(socket.getInputStream(), "\r\n0\r\n\r\n"));

            List<String> events = sseData(body);
            assertEquals(1 + 500 + 1 + 1, events.size());
            StringBuilder content = new StringBuilder();
            for (String event : events.subList(1, 501)) {
                content.append(MAPPER.readTree(event).at("/choices/0/delta/content").asText());
            }
            assertEquals(new MockCompletions(large).complete("user\nhello\n").content(), content.toString());
        }
    }

    @Test
    void closeEndsAcceptedConnections() throws Exception {
        MockProviderServer other = MockProviderServer.start(MockOptions.DEFAULTS, group, TRANSPORT, "127.0.0.1", 0);
        try (Socket socket = new Socket("127.0.0.1", other.port())) {
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write(request("/v1/models", null).getBytes(StandardCharsets.UTF_8));
            readUntil(socket.getInputStream(), "brokle-mock");

            other.close();

            assertEquals(-1, socket.getInputStream().read());
        }
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    static List<String> sseData(String body) {
        List<String> data = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            assertTrue(event.startsWith("data: "), event);
            data.add(event.substring("data: ".length()));
        }
        return data;
    }

    private static String request(String path, String json) {
        if (json == null) {
            return "GET " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n";
        }
        return "POST " + path + " HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                + "content-length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }

    /** The body of a chunked HTTP/1.1 response (head included in {@code response}). */
    private static String dechunk(String response) {
        StringBuilder body = new StringBuilder();
        int at = response.indexOf("\r\n\r\n") + 4;
        while (true) {
            int lineEnd = response.indexOf("\r\n", at);
            int size = Integer.parseInt(response.substring(at, lineEnd), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(response, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder read = new StringBuilder();
        byte[] buffer = new byte[8192];
        int searchFrom = 0;
        while (read.indexOf(marker, searchFrom) < 0) {
            searchFrom = Math.max(0, read.length() - marker.length());
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            read.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return read.toString();
    }
}
