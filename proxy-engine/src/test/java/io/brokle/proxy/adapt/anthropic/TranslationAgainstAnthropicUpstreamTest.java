package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.TranslatedError;
import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.testing.AnthropicUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenAI requests translated, sent to {@link AnthropicUpstream} over HTTP as the gateway will
 * send them, and the answers translated back: the translators and the mock agree on the wire
 * format.
 */
class TranslationAgainstAnthropicUpstreamTest {
    private static final long CREATED = 1_700_000_000L;
    private static final String WEATHER_TOOL = """
            {"type":"function","function":{"name":"get_weather","description":"Weather for a city",
             "parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},
             "required":["city"]}}}""";

    private static AnthropicUpstream upstream;
    private static HttpClient client;
    private final OpenAiToAnthropicRequest translator = new OpenAiToAnthropicRequest();

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

    /** The status and body of {@code body} posted as the gateway posts to Anthropic. */
    private static Map.Entry<Integer, String> send(JsonNode body, String apiKey) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(upstream.baseUrl() + "/v1/messages"))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .header("x-api-key", apiKey)
                .header("anthropic-version", AnthropicUpstream.VERSION)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes.write(buffer, 0, n);
            }
        } catch (IOException cut) {
            // A cut stream: keep what arrived.
        }
        return Map.entry(response.statusCode(), bytes.toString(StandardCharsets.UTF_8));
    }

    private static Map.Entry<Integer, String> send(JsonNode body) throws Exception {
        return send(body, upstream.apiKey());
    }

    private JsonNode complete(String openAiRequest) throws Exception {
        TranslatedRequest t = translator.translate(obj(openAiRequest));
        Map.Entry<Integer, String> answer = send(t.body());
        assertEquals(200, answer.getKey(), answer.getValue());
        return AnthropicToOpenAiResponse.translate(parse(answer.getValue()), t.reply(), CREATED);
    }

    private List<String> stream(String openAiRequest, AnthropicStreamToOpenAi[] translatorOut) throws Exception {
        TranslatedRequest t = translator.translate(obj(openAiRequest));
        Map.Entry<Integer, String> answer = send(t.body());
        assertEquals(200, answer.getKey(), answer.getValue());
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(t.reply(), CREATED);
        translatorOut[0] = stream;
        List<String> chunks = new ArrayList<>();
        for (Map.Entry<String, String> event : SseText.parse(answer.getValue())) {
            chunks.addAll(stream.feed(event.getKey(), event.getValue()));
        }
        return chunks;
    }

    @Test
    void aTranslatedRequestIsAcceptedAndItsAnswerTranslatesBack() throws Exception {
        JsonNode completion = complete("""
                {"model":"claude-sonnet-4-5","messages":[{"role":"system","content":"Be terse."},
                  {"role":"user","content":"Hi there"}],"max_completion_tokens":50}""");

        JsonNode choice = completion.get("choices").get(0);
        assertEquals("Hello! You said: Hi there", choice.get("message").get("content").asText());
        assertEquals("stop", choice.get("finish_reason").asText());
        assertEquals("claude-sonnet-4-5", completion.get("model").asText());
        assertEquals(5, completion.get("usage").get("completion_tokens").asLong());
        JsonNode sent = upstream.requests().getLast().bodyJson();
        assertEquals("Be terse.", sent.get("system").asText());
        assertEquals(50, sent.get("max_tokens").asInt());
    }

    @Test
    void aStreamedToolCallArrivesAsOpenAiToolCallDeltasAndItsResultGoesBack() throws Exception {
        AnthropicStreamToOpenAi[] stream = new AnthropicStreamToOpenAi[1];
        List<String> chunks = stream("""
                {"model":"claude-sonnet-4-5","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Please use the tool: weather in Paris?"}],"tools":[%s]}"""
                .formatted(WEATHER_TOOL), stream);

        JsonNode completion = Assemble.openAiCompletion(chunks);
        JsonNode call = completion.get("choices").get(0).get("message").get("tool_calls").get(0);
        assertEquals("get_weather", call.get("function").get("name").asText());
        assertEquals(parse("{\"city\":\"mock\",\"days\":1}"), parse(call.get("function").get("arguments").asText()));
        assertEquals("tool_calls", completion.get("choices").get(0).get("finish_reason").asText());
        assertTrue(parse(chunks.getLast()).get("choices").isEmpty(), "the usage chunk comes last");
        assertTrue(stream[0].completed());
        assertTrue(stream[0].usage().promptTokens() > 0);

        JsonNode followUp = complete("""
                {"model":"claude-sonnet-4-5","messages":[
                  {"role":"user","content":"Please use the tool: weather in Paris?"},
                  {"role":"assistant","content":"I'll use the get_weather tool.","tool_calls":[%s]},
                  {"role":"tool","tool_call_id":"%s","content":"18C and sunny"}],"tools":[%s]}"""
                .formatted(call.toString(), call.get("id").asText(), WEATHER_TOOL));
        assertEquals("The tool said: 18C and sunny",
                followUp.get("choices").get(0).get("message").get("content").asText());
    }

    @Test
    void cacheControlMarkersReportACacheWriteAndThenCachedTokens() throws Exception {
        String request = """
                {"model":"claude-sonnet-4-5","messages":[
                  {"role":"system","content":[{"type":"text","text":"%s","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":"Summarise the policy."}]}""".formatted("Long policy text. ".repeat(150));

        JsonNode first = complete(request).get("usage");
        JsonNode second = complete(request).get("usage");

        long written = first.get("prompt_tokens_details").get("cache_creation_tokens").asLong();
        assertTrue(written > 0, first.toString());
        assertEquals(0, first.get("prompt_tokens_details").get("cached_tokens").asLong());
        assertEquals(written, second.get("prompt_tokens_details").get("cached_tokens").asLong());
        assertEquals(first.get("prompt_tokens"), second.get("prompt_tokens"), "prompt tokens count cached ones");
    }

    @Test
    void aJsonSchemaResponseFormatIsAnsweredAsJsonContent() throws Exception {
        JsonNode completion = complete("""
                {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Who wrote the first program?"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"person",
                   "schema":{"type":"object","properties":{"name":{"type":"string"},"born":{"type":"integer"}}}}}}""");

        JsonNode choice = completion.get("choices").get(0);
        assertEquals(parse("{\"name\":\"mock\",\"born\":1}"), parse(choice.get("message").get("content").asText()));
        assertFalse(choice.get("message").has("tool_calls"));
        assertEquals("stop", choice.get("finish_reason").asText());
    }

    @Test
    void reasoningEffortGetsAThinkingBlockBackAsReasoningContent() throws Exception {
        AnthropicStreamToOpenAi[] stream = new AnthropicStreamToOpenAi[1];
        JsonNode message = Assemble.openAiCompletion(stream("""
                {"model":"claude-sonnet-4-5","stream":true,"reasoning_effort":"low",
                 "messages":[{"role":"user","content":"Think first"}]}""", stream))
                .get("choices").get(0).get("message");

        assertTrue(message.get("reasoning_content").asText().contains("I will answer briefly."));
        assertFalse(message.get("thinking_blocks").get(0).get("signature").asText().isEmpty());
        assertEquals("Hello! You said: Think first", message.get("content").asText());
    }

    @Test
    void providerErrorsBecomeOpenAiErrors() throws Exception {
        JsonNode body = translator.translate(obj("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}]}""")).body();
        upstream.overloadNext();
        upstream.failNext(429, "rate_limit_error", "Slow down");

        Map.Entry<Integer, String> overloaded = send(body);
        Map.Entry<Integer, String> limited = send(body);
        Map.Entry<Integer, String> badKey = send(body, "sk-ant-wrong");

        TranslatedError busy = AnthropicErrors.toOpenAi(overloaded.getKey(), overloaded.getValue());
        assertEquals(503, busy.status());
        assertEquals("overloaded", busy.body().get("error").get("code").asText());
        TranslatedError slow = AnthropicErrors.toOpenAi(limited.getKey(), limited.getValue());
        assertEquals(429, slow.status());
        assertEquals("Slow down", slow.body().get("error").get("message").asText());
        assertEquals(401, AnthropicErrors.toOpenAi(badKey.getKey(), badKey.getValue()).status());
    }

    @Test
    void aStreamCutMidwayLeavesTheTranslatorNeitherCompletedNorFailed() throws Exception {
        upstream.dropNextAfterEvents(4);
        AnthropicStreamToOpenAi[] stream = new AnthropicStreamToOpenAi[1];

        List<String> chunks = stream("""
                {"model":"m","stream":true,"messages":[{"role":"user","content":"Hi"}]}""", stream);

        assertFalse(chunks.isEmpty());
        assertFalse(stream[0].completed(), "the gateway must end such a stream with upstream_truncated, no [DONE]");
        assertFalse(stream[0].failed());
    }
}
