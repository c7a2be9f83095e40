package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The mock Gemini API speaks Google's wire format and checks requests as Google does. */
class GeminiUpstreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HELLO = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi there\"}]}]}";

    private GeminiUpstream gemini;
    private HttpClient http;

    @BeforeEach
    void start() {
        gemini = GeminiUpstream.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        http.close();
        gemini.close();
    }

    private HttpResponse<String> post(String pathAndQuery, String key, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gemini.baseUrl() + pathAndQuery))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("x-goog-api-key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }

    @Test
    void generateContentAnswersAGenerateContentResponse() throws Exception {
        HttpResponse<String> r = post("/v1beta/models/gemini-2.5-flash:generateContent", GeminiUpstream.API_KEY, HELLO);

        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = parse(r.body());
        assertEquals("Hello! You said: Hi there", answer.at("/candidates/0/content/parts/0/text").asText());
        assertEquals("model", answer.at("/candidates/0/content/role").asText());
        assertEquals("STOP", answer.at("/candidates/0/finishReason").asText());
        assertEquals(5, answer.at("/usageMetadata/candidatesTokenCount").asInt());
        assertEquals("gemini-2.5-flash", answer.get("modelVersion").asText());
        assertTrue(answer.get("responseId").isTextual());
    }

    @Test
    void theKeyIsCheckedAsGoogleChecksIt() throws Exception {
        HttpResponse<String> none = post("/v1beta/models/gemini-2.5-flash:generateContent", null, HELLO);
        assertEquals(403, none.statusCode());
        assertEquals("PERMISSION_DENIED", parse(none.body()).at("/error/status").asText());

        HttpResponse<String> wrong = post("/v1beta/models/gemini-2.5-flash:generateContent", "AIza-wrong", HELLO);
        assertEquals(400, wrong.statusCode());
        assertEquals("API_KEY_INVALID", parse(wrong.body()).at("/error/details/0/reason").asText());

        assertEquals(200, post("/v1beta/models/gemini-2.5-flash:generateContent?key=" + GeminiUpstream.API_KEY, null,
                HELLO).statusCode());
    }

    @Test
    void fieldsTheApiDoesNotKnowAreRefusedLikeGoogleRefusesThem() throws Exception {
        HttpResponse<String> r = post("/v1beta/models/gemini-2.5-flash:generateContent", GeminiUpstream.API_KEY,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]}],\"generationConfig\":{\"max_tokens\":5}}");

        assertEquals(400, r.statusCode());
        JsonNode error = parse(r.body()).get("error");
        assertEquals("INVALID_ARGUMENT", error.get("status").asText());
        assertEquals(400, error.get("code").asInt());
        assertTrue(error.get("message").asText().contains("Unknown name \"max_tokens\""), r.body());

        HttpResponse<String> role = post("/v1beta/models/gemini-2.5-flash:generateContent", GeminiUpstream.API_KEY,
                "{\"contents\":[{\"role\":\"assistant\",\"parts\":[{\"text\":\"x\"}]}]}");
        assertEquals(400, role.statusCode());
    }

    @Test
    void gemini3RefusesAFunctionCallSentBackWithoutItsThoughtSignature() throws Exception {
        String history = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"x\"}]},"
                + "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{}}%s}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"f\",\"response\":{\"output\":1}}}]}]}";

        HttpResponse<String> r = post("/v1beta/models/gemini-3-pro-preview:generateContent", GeminiUpstream.API_KEY,
                history.formatted(""));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("thought_signature"), r.body());
        assertEquals(200, post("/v1beta/models/gemini-3-pro-preview:generateContent", GeminiUpstream.API_KEY,
                history.formatted(",\"thoughtSignature\":\"c2ln\"")).statusCode());
    }

    @Test
    void streamGenerateContentWithAltSseSendsDataEventsEndingInFinishReasonAndUsage() throws Exception {
        HttpResponse<String> r = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                GeminiUpstream.API_KEY, HELLO);

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String> events = Arrays.stream(r.body().split("\r\n\r\n")).filter(e -> !e.isBlank()).toList();
        StringBuilder text = new StringBuilder();
        for (String event : events) {
            assertTrue(event.startsWith("data: "), event);
            text.append(parse(event.substring(6)).at("/candidates/0/content/parts/0/text").asText());
        }
        assertEquals("Hello! You said: Hi there", text.toString());
        JsonNode last = parse(events.get(events.size() - 1).substring(6));
        assertEquals("STOP", last.at("/candidates/0/finishReason").asText());
        assertEquals(5, last.at("/usageMetadata/candidatesTokenCount").asInt());
        assertFalse(r.body().contains("[DONE]"), "Gemini's stream has no [DONE]");

        HttpResponse<String> array = post("/v1beta/models/gemini-2.5-flash:streamGenerateContent",
                GeminiUpstream.API_KEY, HELLO);
        assertEquals(events.size(), parse(array.body()).size(), "without alt=sse: one JSON array");
    }

    @Test
    void aScripted429CarriesRetryAfterAndRetryInfo() throws Exception {
        gemini.rateLimitNext(12);
        HttpResponse<String> r = post("/v1beta/models/gemini-2.5-flash:generateContent", GeminiUpstream.API_KEY, HELLO);

        assertEquals(429, r.statusCode());
        assertEquals("12", r.headers().firstValue("retry-after").orElse(null));
        assertEquals("RESOURCE_EXHAUSTED", parse(r.body()).at("/error/status").asText());
        assertEquals("12s", parse(r.body()).at("/error/details/0/retryDelay").asText());
        assertEquals(200, post("/v1beta/models/gemini-2.5-flash:generateContent", GeminiUpstream.API_KEY, HELLO)
                .statusCode(), "only the next request fails");
    }

    @Test
    void batchEmbedContentsAnswersOneVectorPerRequest() throws Exception {
        HttpResponse<String> r = post("/v1beta/models/gemini-embedding-001:batchEmbedContents", GeminiUpstream.API_KEY, """
                {"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]},"outputDimensionality":4},
                             {"model":"models/gemini-embedding-001","content":{"parts":[{"text":"b"}]},"outputDimensionality":4}]}""");

        assertEquals(200, r.statusCode(), r.body());
        JsonNode embeddings = parse(r.body()).get("embeddings");
        assertEquals(2, embeddings.size());
        assertEquals(4, embeddings.at("/0/values").size());
        assertFalse(embeddings.get(0).equals(embeddings.get(1)));
        assertEquals(1, gemini.requests().size());
    }
}
