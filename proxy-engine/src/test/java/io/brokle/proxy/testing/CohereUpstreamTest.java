package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mock Cohere v2 API speaks Cohere's wire format and misbehaves only when told to. */
class CohereUpstreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = """
            {"model":"command-a-03-2025","messages":[{"role":"user","content":"Hi there"}],"stream":%s}""";

    private static CohereUpstream upstream;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        upstream = CohereUpstream.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        upstream.close();
    }

    private static HttpResponse<String> post(String path, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("authorization", "Bearer " + key);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWholeChatAnswerHasCoheresShape() throws Exception {
        HttpResponse<String> r = post("/v2/chat", upstream.apiKey(), HELLO.formatted("false"));

        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("COMPLETE", body.get("finish_reason").asText());
        assertEquals("assistant", body.get("message").get("role").asText());
        assertEquals("Hello! You said: Hi there", body.get("message").get("content").get(0).get("text").asText());
        assertEquals(2, body.get("usage").get("billed_units").get("input_tokens").asInt());
        assertEquals(2 + CohereUpstreamAnswer.TEMPLATE_TOKENS, body.get("usage").get("tokens").get("input_tokens").asInt());
    }

    @Test
    void aStreamIsServerSentEventsNamedByTypeEndingWithMessageEndAndNoDone() throws Exception {
        HttpResponse<String> r = post("/v2/chat", upstream.apiKey(), HELLO.formatted("true"));

        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String event : r.body().split("\n\n")) {
            String[] lines = event.split("\n");
            assertEquals(2, lines.length, event);
            assertTrue(lines[0].startsWith("event: ") && lines[1].startsWith("data: "), event);
            JsonNode data = JSON.readTree(lines[1].substring(6));
            assertEquals(lines[0].substring(7), data.get("type").asText(), "the event name repeats the type");
            types.add(data.get("type").asText());
            text.append(data.path("delta").path("message").path("content").path("text").asText(""));
        }
        assertEquals("message-start", types.getFirst());
        assertEquals("content-start", types.get(1));
        assertEquals("message-end", types.getLast());
        assertEquals("Hello! You said: Hi there", text.toString());
        assertFalse(r.body().contains("[DONE]"));
    }

    @Test
    void aMissingOrWrongKeyIsA401InCoheresErrorFormat() throws Exception {
        for (String key : new String[] {null, "wrong"}) {
            HttpResponse<String> r = post("/v2/chat", key, HELLO.formatted("false"));

            assertEquals(401, r.statusCode());
            JsonNode body = JSON.readTree(r.body());
            assertTrue(body.get("id").isTextual() && body.get("message").isTextual(), r.body());
        }
    }

    @Test
    void bodiesCohereWouldRefuseAre400() throws Exception {
        assertEquals(400, post("/v2/chat", upstream.apiKey(), "{\"messages\":[]}").statusCode());
        assertEquals(400, post("/v2/chat", upstream.apiKey(),
                "{\"model\":\"m\",\"messages\":[{\"role\":\"function\",\"content\":\"x\"}]}").statusCode());
        assertEquals(400, post("/v2/embed", upstream.apiKey(),
                "{\"model\":\"embed-v4.0\",\"texts\":[\"a\"],\"embedding_types\":[\"float\"]}").statusCode(),
                "input_type is required");
    }

    @Test
    void embedAnswersOneFloatVectorPerTextWithBilledTokens() throws Exception {
        HttpResponse<String> r = post("/v2/embed", upstream.apiKey(), """
                {"model":"embed-v4.0","texts":["one two","three"],"input_type":"search_document",
                 "embedding_types":["float"],"output_dimension":4}""");

        assertEquals(200, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals(2, body.get("embeddings").get("float").size());
        assertEquals(4, body.get("embeddings").get("float").get(0).size());
        assertEquals(3, body.get("meta").get("billed_units").get("input_tokens").asInt());
    }

    @Test
    void aScripted429CarriesRetryAfterAndOnlyTheNextRequestGetsIt() throws Exception {
        upstream.rateLimitNext("5");

        HttpResponse<String> limited = post("/v2/chat", upstream.apiKey(), HELLO.formatted("false"));
        assertEquals(429, limited.statusCode());
        assertEquals("5", limited.headers().firstValue("retry-after").orElseThrow());
        assertTrue(JSON.readTree(limited.body()).get("message").isTextual());
        assertEquals(200, post("/v2/chat", upstream.apiKey(), HELLO.formatted("false")).statusCode());
    }
}
