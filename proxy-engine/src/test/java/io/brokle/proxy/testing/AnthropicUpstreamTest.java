package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AnthropicUpstreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = """
            {"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":"Hi there"}]}""";
    private static final String TOOLS = """
            "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object",
              "properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}}]""";

    private static AnthropicUpstream upstream;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        upstream = AnthropicUpstream.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        upstream.close();
    }

    private static HttpRequest.Builder request(String path, String body) {
        return HttpRequest.newBuilder(URI.create(upstream.baseUrl() + path))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return client.send(request("/v1/messages", body).header("x-api-key", upstream.apiKey())
                .header("anthropic-version", AnthropicUpstream.VERSION).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    /** The events of an SSE body as {name, data} pairs, checking the wire form on the way. */
    private static List<String[]> events(String body) {
        List<String[]> events = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            String[] lines = frame.split("\n");
            assertEquals(2, lines.length, "each event is exactly an event line and a data line: " + frame);
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), frame);
            events.add(new String[] {lines[0].substring(7), lines[1].substring(6)});
        }
        return events;
    }

    @Test
    void answersAMessageInAnthropicsFormat() throws Exception {
        HttpResponse<String> response = post(HELLO);

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertTrue(response.headers().firstValue("request-id").orElseThrow().startsWith("req_"));
        JsonNode message = json(response.body());
        assertTrue(message.get("id").asText().startsWith("msg_"));
        assertEquals("message", message.get("type").asText());
        assertEquals("assistant", message.get("role").asText());
        assertEquals("claude-sonnet-4-5", message.get("model").asText());
        assertEquals(json("[{\"type\":\"text\",\"text\":\"Hello! You said: Hi there\"}]"), message.get("content"));
        assertEquals("end_turn", message.get("stop_reason").asText());
        assertTrue(message.get("stop_sequence").isNull());
        JsonNode usage = message.get("usage");
        assertTrue(usage.get("input_tokens").asLong() > 0);
        assertEquals(5, usage.get("output_tokens").asLong());
        assertEquals(0, usage.get("cache_read_input_tokens").asLong());
        assertEquals(0, usage.get("cache_creation_input_tokens").asLong());
        assertEquals(json(response.body()), json(post(HELLO).body()), "the same request gets the same answer");
    }

    @Test
    void checksTheKeyAndVersionHeadersAsAnthropicDoes() throws Exception {
        HttpResponse<String> noKey = client.send(request("/v1/messages", HELLO)
                .header("anthropic-version", AnthropicUpstream.VERSION).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> wrongKey = client.send(request("/v1/messages", HELLO).header("x-api-key", "sk-ant-wrong")
                .header("anthropic-version", AnthropicUpstream.VERSION).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> noVersion = client.send(request("/v1/messages", HELLO)
                .header("x-api-key", upstream.apiKey()).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(401, noKey.statusCode());
        assertEquals("authentication_error", json(noKey.body()).get("error").get("type").asText());
        assertEquals(401, wrongKey.statusCode());
        assertEquals("invalid x-api-key", json(wrongKey.body()).get("error").get("message").asText());
        assertEquals(400, noVersion.statusCode());
        JsonNode error = json(noVersion.body());
        assertEquals("error", error.get("type").asText());
        assertEquals("invalid_request_error", error.get("error").get("type").asText());
        assertEquals("anthropic-version: header is required", error.get("error").get("message").asText());
        assertTrue(error.get("request_id").asText().startsWith("req_"));
    }

    @Test
    void checksTheBodyAndPathAsAnthropicDoes() throws Exception {
        HttpResponse<String> noMax = post("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        HttpResponse<String> systemRole = post("""
                {"model":"m","max_tokens":5,"messages":[{"role":"system","content":"Hi"}]}""");
        HttpResponse<String> wrongPath = client.send(request("/v1/complete", HELLO).header("x-api-key", upstream.apiKey())
                .header("anthropic-version", AnthropicUpstream.VERSION).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(400, noMax.statusCode());
        assertEquals("max_tokens: Field required", json(noMax.body()).get("error").get("message").asText());
        assertEquals(400, systemRole.statusCode());
        assertEquals(404, wrongPath.statusCode());
        assertEquals("not_found_error", json(wrongPath.body()).get("error").get("type").asText());
    }

    @Test
    void streamsEventsInAnthropicsWireFormat() throws Exception {
        HttpResponse<String> response = post(HELLO.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""));

        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("content-type").orElseThrow());
        List<String[]> events = events(response.body());
        List<String> names = events.stream().map(e -> e[0]).toList();
        assertEquals(List.of("message_start", "content_block_start", "ping"), names.subList(0, 3));
        assertEquals(List.of("content_block_stop", "message_delta", "message_stop"),
                names.subList(names.size() - 3, names.size()));
        StringBuilder text = new StringBuilder();
        for (String[] event : events) {
            JsonNode data = json(event[1]);
            assertEquals(event[0], data.get("type").asText(), "the event name is the data's type");
            if ("content_block_delta".equals(event[0])) {
                text.append(data.get("delta").get("text").asText());
            }
        }
        assertEquals("Hello! You said: Hi there", text.toString());
        JsonNode start = json(events.getFirst()[1]).get("message");
        assertEquals(json("[]"), start.get("content"));
        assertTrue(start.get("stop_reason").isNull());
        assertEquals(json("{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}"),
                json(events.get(events.size() - 2)[1]).get("delta"));
        assertEquals(5, json(events.get(events.size() - 2)[1]).get("usage").get("output_tokens").asLong());
    }

    @Test
    void answersWithAToolUseBlockWhenAskedToUseTheTool() throws Exception {
        String body = """
                {"model":"m","max_tokens":100,%s,"messages":[{"role":"user","content":"Please use the tool for Paris"}]}"""
                .formatted(TOOLS);

        JsonNode message = json(post(body).body());
        List<String[]> events = events(post(body.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"")).body());

        assertEquals("tool_use", message.get("stop_reason").asText());
        assertEquals("I'll use the get_weather tool.", message.get("content").get(0).get("text").asText());
        JsonNode toolUse = message.get("content").get(1);
        assertEquals("tool_use", toolUse.get("type").asText());
        assertTrue(toolUse.get("id").asText().startsWith("toolu_"));
        assertEquals("get_weather", toolUse.get("name").asText());
        assertEquals(json("{\"city\":\"mock\",\"days\":1}"), toolUse.get("input"));
        StringBuilder partialJson = new StringBuilder();
        int jsonDeltas = 0;
        for (String[] event : events) {
            JsonNode data = json(event[1]);
            if ("input_json_delta".equals(data.path("delta").path("type").asText())) {
                partialJson.append(data.get("delta").get("partial_json").asText());
                jsonDeltas++;
            }
        }
        assertTrue(jsonDeltas > 2, "the input arrives in several pieces");
        assertEquals(toolUse.get("input"), json(partialJson.toString()));
        assertEquals("Hello! You said: Please use the tool for Paris",
                json(post(body.replace("\"max_tokens\"", "\"tool_choice\":{\"type\":\"none\"},\"max_tokens\"")).body())
                        .get("content").get(0).get("text").asText(), "tool_choice none: no tool");
    }

    @Test
    void answersWithASignedThinkingBlockFirstWhenThinkingIsOn() throws Exception {
        String body = HELLO.replace("\"max_tokens\":100", "\"max_tokens\":3000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}");

        JsonNode content = json(post(body).body()).get("content");
        List<String[]> events = events(post(body.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"")).body());

        assertEquals("thinking", content.get(0).get("type").asText());
        assertFalse(content.get(0).get("signature").asText().isEmpty());
        assertEquals("text", content.get(1).get("type").asText());
        assertTrue(events.stream().anyMatch(e -> e[1].contains("\"signature_delta\"")));
        assertTrue(events.stream().anyMatch(e -> e[1].contains("\"thinking_delta\"")));
    }

    @Test
    void cacheControlMarkersWriteThePromptCacheAndThenReadIt() throws Exception {
        String body = """
                {"model":"m","max_tokens":50,"system":[{"type":"text","text":"%s","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"Question?"}]}""".formatted("Policy. ".repeat(200));

        JsonNode first = json(post(body).body()).get("usage");
        JsonNode second = json(post(body).body()).get("usage");

        long cached = first.get("cache_creation_input_tokens").asLong();
        assertTrue(cached > 300, "the marked system prompt is written: " + first);
        assertEquals(0, first.get("cache_read_input_tokens").asLong());
        assertEquals(cached, second.get("cache_read_input_tokens").asLong());
        assertEquals(0, second.get("cache_creation_input_tokens").asLong());
        assertEquals(first.get("input_tokens"), second.get("input_tokens"));
    }

    @Test
    void stopSequencesAndMaxTokensCutTheAnswer() throws Exception {
        JsonNode stopped = json(post(HELLO.replace("\"max_tokens\"", "\"stop_sequences\":[\"said\"],\"max_tokens\"")).body());
        JsonNode cut = json(post(HELLO.replace("\"max_tokens\":100", "\"max_tokens\":2")).body());

        assertEquals("Hello! You ", stopped.get("content").get(0).get("text").asText());
        assertEquals("stop_sequence", stopped.get("stop_reason").asText());
        assertEquals("said", stopped.get("stop_sequence").asText());
        assertEquals("Hello! You", cut.get("content").get(0).get("text").asText());
        assertEquals("max_tokens", cut.get("stop_reason").asText());
        assertEquals(2, cut.get("usage").get("output_tokens").asLong());
    }

    @Test
    void answersScriptedErrorsOnceEach() throws Exception {
        upstream.failNext(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit");
        upstream.overloadNext();

        HttpResponse<String> limited = post(HELLO);
        HttpResponse<String> overloaded = post(HELLO);
        HttpResponse<String> fine = post(HELLO);

        assertEquals(429, limited.statusCode());
        assertEquals("rate_limit_error", json(limited.body()).get("error").get("type").asText());
        assertTrue(limited.headers().firstValue("retry-after").isPresent());
        assertEquals(529, overloaded.statusCode());
        assertEquals(json("{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}"),
                json(overloaded.body()).get("error"));
        assertEquals(200, fine.statusCode());
    }

    @Test
    void dropsTheConnectionMidStreamWhenTold() throws Exception {
        upstream.dropNextAfterEvents(3);
        byte[] body = HELLO.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"").getBytes(StandardCharsets.UTF_8);
        String received;
        // A raw socket, to see exactly what was sent before the close (a client may drop the last of it).
        try (Socket socket = new Socket("127.0.0.1", upstream.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                    + "x-api-key: " + upstream.apiKey() + "\r\nanthropic-version: " + AnthropicUpstream.VERSION + "\r\n"
                    + "content-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            received = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }

        assertTrue(received.startsWith("HTTP/1.1 200 OK\r\n"), received);
        assertTrue(received.contains("transfer-encoding: chunked"), received);
        assertEquals(3, received.split("event: ", -1).length - 1, "three events, then the close: " + received);
        assertTrue(received.contains("event: ping\n"));
        assertFalse(received.endsWith("0\r\n\r\n"), "no last chunk");
    }

    @Test
    void recordsEveryRequest() throws Exception {
        while (upstream.takeRequest(Duration.ZERO) != null) {
            // Forget what other tests sent.
        }
        post(HELLO);

        RecordedRequest recorded = upstream.takeRequest(Duration.ofSeconds(5));
        assertNotNull(recorded);
        assertEquals("POST", recorded.method());
        assertEquals("/v1/messages", recorded.path());
        assertEquals(AnthropicUpstream.VERSION, recorded.header("anthropic-version"));
        assertEquals(json(HELLO), recorded.bodyJson());
        assertTrue(upstream.requests().contains(recorded));
    }
}
