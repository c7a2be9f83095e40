package io.brokle.proxy;

import static io.brokle.proxy.MessagesSupport.assertAnthropicError;
import static io.brokle.proxy.MessagesSupport.eventNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.testing.Behaviour;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Anthropic clients calling {@code POST /v1/messages} for models served by OpenAI-format
 * providers: the request is translated to an OpenAI chat completion, relayed like any OpenAI
 * request, and the answer (whole, streamed, an error) translated back to Anthropic's format. The
 * upstreams speak OpenAI's real wire format: {@link ScriptedUpstream} (answers like the mock
 * provider, fails on request), the built-in mock provider, and recorded OpenAI streams served as
 * they are.
 */
class MessagesTranslatedEndToEndTest {
    /** One tool call whose arguments arrive in three fragments, as OpenAI streams it, with usage. */
    private static final String OPENAI_TOOL_CALL_STREAM = """
            data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_N8gyLkBz1BaRQnmwa6Z8e9Bt","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"ci"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\\": \\"Par"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"is\\"}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}

            data: {"id":"chatcmpl-T1","object":"chat.completion.chunk","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[],"usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99,"prompt_tokens_details":{"cached_tokens":64,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

            data: [DONE]

            """;

    /** The same tool call, not streamed. */
    private static final String OPENAI_TOOL_CALL_COMPLETION = """
            {"id":"chatcmpl-T2","object":"chat.completion","created":1741570283,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_N8gyLkBz1BaRQnmwa6Z8e9Bt","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Paris\\"}"}}],"refusal":null},"logprobs":null,"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":82,"completion_tokens":17,"total_tokens":99,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0}}}""";

    private static MessageCreateParams.Builder params(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(300).addUserMessage(text);
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build()).build())
                .build();
    }

    @Test
    void sdkMessageIsTranslatedToAChatCompletionAndItsAnswerBack() throws InterruptedException {
        try (ScriptedUpstream up = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl()));
             MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            Message message = claude.api().messages().create(params("gpt-test", "Hello from Claude's SDK")
                    .system("Be brief.").stopSequences(List.of("STOP")).build());

            message.validate();
            assertFalse(message.content().get(0).text().orElseThrow().text().isEmpty());
            assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
            assertTrue(message.usage().inputTokens() > 0 && message.usage().outputTokens() > 0);

            RecordedRequest sent = up.takeRequest(Duration.ofSeconds(2));
            assertEquals("/v1/chat/completions", sent.path());
            assertEquals("Bearer " + EndToEndSupport.UPSTREAM_SECRET, sent.header("authorization"));
            JsonNode body = sent.bodyJson();
            assertEquals("upstream-model", body.get("model").asText());
            assertEquals(300, body.get("max_tokens").asInt());
            assertEquals(EndToEndSupport.parse("[\"STOP\"]"), body.get("stop"));
            assertEquals(EndToEndSupport.parse("{\"role\":\"system\",\"content\":\"Be brief.\"}"), body.get("messages").get(0));
            assertEquals("Hello from Claude's SDK", body.get("messages").get(1).get("content").asText());
        }
    }

    @Test
    void sdkStreamIsTranslatedIntoAnthropicEventsWithUsage() {
        try (ScriptedUpstream up = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl()));
             MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            String expected = EndToEndSupport.expectedCompletion(up.options(), "Stream it to Claude").content();
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> stream = claude.api().messages().createStreaming(
                    params("gpt-test", "Stream it to Claude").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            Message message = accumulator.message();
            message.validate();
            assertEquals(expected, message.content().get(0).text().orElseThrow().text());
            assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
            assertTrue(message.usage().outputTokens() > 0, "usage from the stream's usage chunk");
            try (HttpClient http = EndToEndSupport.httpClient()) {
                String series = EndToEndSupport.tokenSeries("gpt-test", "completion");
                assertTrue(EndToEndSupport.await(() -> EndToEndSupport.scrapeCounter(http, gw, series)
                        == message.usage().outputTokens(), EndToEndSupport.WAIT), "the translated usage is counted");
            }
        }
    }

    @Test
    void theBuiltInMockProviderAnswersAnthropicClients() {
        String yaml = "providers:\n  - {name: local, kind: mock}\n"
                + "deployments:\n  - {name: demo, provider: local, model: mock-1}\n"
                + "routes:\n  - {model: demo, deployments: [demo]}\n" + EndToEndSupport.keyYaml();
        try (TestGateway gw = TestGateway.start(yaml);
             MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            Message message = claude.api().messages().create(params("demo", "Hello mock").build());
            assertFalse(message.content().get(0).text().orElseThrow().text().isEmpty());
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> stream = claude.api().messages().createStreaming(
                    params("demo", "Hello mock").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            assertEquals(message.content().get(0).text().orElseThrow().text(),
                    accumulator.message().content().get(0).text().orElseThrow().text());
        }
    }

    @Test
    void streamedToolCallsBecomeToolUseBlocksWithInputJsonDeltas() {
        try (CannedUpstreamSupport openAi = CannedUpstreamSupport.answering(200, "OK", "text/event-stream",
                OPENAI_TOOL_CALL_STREAM);
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(openAi.baseUrl()));
             MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            MessageAccumulator accumulator = MessageAccumulator.create();
            List<String> fragments = new ArrayList<>();
            try (StreamResponse<RawMessageStreamEvent> stream = claude.api().messages().createStreaming(
                    params("gpt-test", "Weather in Paris?").addTool(weatherTool()).build())) {
                stream.stream().forEach(event -> {
                    accumulator.accumulate(event);
                    event.contentBlockDelta().flatMap(d -> d.delta().inputJson())
                            .ifPresent(json -> fragments.add(json.partialJson()));
                });
            }
            Message message = accumulator.message();
            ToolUseBlock toolUse = message.content().stream().map(ContentBlock::toolUse).flatMap(Optional::stream)
                    .findFirst().orElseThrow();
            assertEquals("call_N8gyLkBz1BaRQnmwa6Z8e9Bt", toolUse.id());
            assertEquals("get_weather", toolUse.name());
            assertEquals(List.of("{\"ci", "ty\": \"Par", "is\"}"), fragments);
            assertEquals(StopReason.TOOL_USE, message.stopReason().orElseThrow());
            assertEquals(17, message.usage().outputTokens());
            assertEquals(64, message.usage().cacheReadInputTokens().orElseThrow(), "OpenAI's cached tokens are cache reads");
            assertEquals(18, message.usage().inputTokens(), "input tokens exclude the cached ones");
        }
    }

    @Test
    void aWholeToolCallBecomesAToolUseBlock() {
        try (CannedUpstreamSupport openAi = CannedUpstreamSupport.answering(200, "OK", "application/json",
                OPENAI_TOOL_CALL_COMPLETION);
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(openAi.baseUrl()));
             MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            Message message = claude.api().messages().create(params("gpt-test", "Weather in Paris?")
                    .addTool(weatherTool()).build());

            ToolUseBlock toolUse = message.content().get(0).toolUse().orElseThrow();
            assertEquals("get_weather", toolUse.name());
            assertEquals(Map.of("city", "Paris"), toolUse._input().convert(Map.class));
            assertEquals(StopReason.TOOL_USE, message.stopReason().orElseThrow());
        }
    }

    @Test
    void providerErrorsReachTheSdkInAnthropicsFormat() {
        try (ScriptedUpstream up = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl()));
             MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            up.enqueue(Behaviour.status(400, "invalid_request_error", "Invalid value for 'temperature'."));
            BadRequestException bad = assertThrows(BadRequestException.class,
                    () -> claude.api().messages().create(params("gpt-test", "Hi").build()));
            assertEquals("Invalid value for 'temperature'.", bad.apiMessage().orElseThrow());
            assertEquals("invalid_request_error", bad.errorType().orElseThrow().asString());

            up.enqueue(Behaviour.rateLimited("7"));
            RateLimitException limited = assertThrows(RateLimitException.class,
                    () -> claude.api().messages().create(params("gpt-test", "Hi").build()));
            assertEquals("rate_limit_error", limited.errorType().orElseThrow().asString());
            assertEquals(List.of("7"), limited.headers().values("retry-after"));
        }
    }

    @Test
    void anHtmlErrorPageBecomesA502ApiError() {
        try (CannedUpstreamSupport openAi = CannedUpstreamSupport.answering(503, "Service Unavailable", "text/html",
                "<html>down</html>");
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(openAi.baseUrl()));
             HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("gpt-test", "Hi", false));
            assertEquals(502, r.statusCode(), r.body());
            assertAnthropicError(r.body(), "api_error");
        }
    }

    @Test
    void aContextWindowErrorSaysPromptIsTooLongAsAnthropicClientsExpect() {
        try (CannedUpstreamSupport openAi = CannedUpstreamSupport.answering(400, "Bad Request", "application/json",
                "{\"error\":{\"message\":\"This model's maximum context length is 128000 tokens.\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}");
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(openAi.baseUrl()));
             HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("gpt-test", "a long story", false));
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(assertAnthropicError(r.body(), "invalid_request_error").get("message").asText()
                    .startsWith("prompt is too long: This model's maximum context length"), r.body());
        }
    }

    @Test
    void parametersOpenAiCannotTakeAreNamedInTheDroppedParamsHeader() throws InterruptedException {
        try (ScriptedUpstream up = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl()));
             HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY, """
                    {"model":"gpt-test","max_tokens":50,"top_k":5,"messages":[{"role":"user","content":[
                    {"type":"text","text":"cache me","cache_control":{"type":"ephemeral"}}]}]}""");

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("cache_control, top_k", r.headers().firstValue("x-brokle-dropped-params").orElseThrow());
            assertEquals("unpriced", r.headers().firstValue("x-brokle-cost-usd").orElseThrow(),
                    "the cost of the translated answer's usage: this test model has no price");
            JsonNode sent = up.takeRequest(Duration.ofSeconds(2)).bodyJson();
            assertFalse(sent.has("top_k"));
            assertFalse(sent.toString().contains("cache_control"));
        }
    }

    @Test
    void whatAnOpenAiModelCannotDoIsAClearBadRequest() {
        try (ScriptedUpstream up = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl()));
             HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY, """
                    {"model":"gpt-test","max_tokens":50,"tools":[{"type":"web_search_20250305","name":"web_search"}],
                    "messages":[{"role":"user","content":"search"}]}""");

            assertEquals(400, r.statusCode(), r.body());
            assertTrue(assertAnthropicError(r.body(), "invalid_request_error").get("message").asText()
                    .contains("web_search_20250305"), r.body());
            assertEquals(0, up.requestCount(), "nothing reached the provider");
        }
    }

    @Test
    void aStreamCutMidwayEndsWithAnErrorEventAndNoMessageStop() {
        try (ScriptedUpstream up = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl()));
             HttpClient http = EndToEndSupport.httpClient()) {
            up.enqueue(Behaviour.dropAfterChunks(2));
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("gpt-test", "Cut me off", true));

            assertEquals(200, r.statusCode());
            List<String> names = eventNames(r.body());
            assertTrue(names.contains("content_block_delta"), r.body());
            assertEquals("error", names.get(names.size() - 1), r.body());
            assertFalse(names.contains("message_stop"), r.body());
            assertAnthropicError(MessagesSupport.events(r.body()).get(names.size() - 1).getValue(), "api_error");
        }
    }
}
