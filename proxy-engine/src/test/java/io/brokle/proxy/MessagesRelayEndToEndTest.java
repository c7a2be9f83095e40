package io.brokle.proxy;

import static io.brokle.proxy.MessagesSupport.assertAnthropicError;
import static io.brokle.proxy.MessagesSupport.eventNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlockParam;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.testing.AnthropicUpstream;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic clients (the official Anthropic Java SDK, and plain HTTP) calling the gateway's
 * {@code POST /v1/messages} for a model served by an Anthropic deployment: the request is relayed
 * without re-encoding to a mock that speaks Anthropic's real wire format, and its answers come
 * back as they are, streamed event by event.
 */
class MessagesRelayEndToEndTest {
    private AnthropicUpstream anthropic;
    private TestGateway gw;

    @BeforeEach
    void start() {
        anthropic = AnthropicUpstream.start();
        gw = TestGateway.start("providers:\n"
                + "  - {name: claude, kind: anthropic, baseUrl: " + anthropic.baseUrl() + ", apiKey: "
                + anthropic.apiKey() + ", timeouts: {connect: 1s, firstByte: 2s, idle: 1s, total: 10s}}\n"
                + "deployments:\n"
                + "  - {name: sonnet, provider: claude, model: claude-sonnet-4-5}\n"
                + "  - {name: sonnet-b, provider: claude, model: claude-sonnet-4-5}\n"
                + "routes:\n"
                + "  - {model: claude, deployments: [sonnet], maxAttempts: 1}\n"
                + "  - {model: claude-pair, deployments: [sonnet, sonnet-b], strategy: priority}\n"
                + "  - {model: claude-sonnet-4-5, deployments: [sonnet], maxAttempts: 1}\n"
                + EndToEndSupport.keyYaml());
    }

    @AfterEach
    void stop() {
        gw.close();
        anthropic.close();
    }

    private static MessageCreateParams.Builder params(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(text);
    }

    @Test
    void sdkMessageIsRelayedWithTheProvidersKeyAndComesBackWhole() throws InterruptedException {
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            Message message = claude.api().messages().create(params("claude", "Hello through the gateway")
                    .system("Be brief.").build());

            message.validate();
            assertEquals("Hello! You said: Hello through the gateway", message.content().get(0).text().orElseThrow().text());
            assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
            assertEquals("claude-sonnet-4-5", message.model().asString(), "the provider's answer, as it sent it");
            assertTrue(message.usage().inputTokens() > 0);
        }
        RecordedRequest sent = anthropic.takeRequest(Duration.ofSeconds(2));
        assertEquals("/v1/messages", sent.path());
        assertEquals(anthropic.apiKey(), sent.header("x-api-key"), "the provider's key replaces the client's");
        assertNull(sent.header("authorization"), "the virtual key never goes upstream");
        assertNotNull(sent.header("anthropic-version"), "the SDK's own version goes on");
        assertEquals("claude-sonnet-4-5", sent.bodyJson().get("model").asText(), "the deployment's model name");
        assertEquals("Be brief.", sent.bodyJson().get("system").asText());
    }

    @Test
    void theBodyGoesUpstreamByteForByteExceptTheModelName() throws InterruptedException {
        String body = "{ \"model\" : \"claude\",\n  \"max_tokens\": 64, \"metadata\": {\"user_id\": \"u-1\"},"
                + " \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"caf\u00e9\","
                + " \"cache_control\": {\"type\": \"ephemeral\", \"ttl\": \"5m\"}}]}], \"top_k\": 3 }";
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY, body);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("x-brokle-dropped-params").isEmpty(), "nothing is dropped on a relay");
        }
        RecordedRequest sent = anthropic.takeRequest(Duration.ofSeconds(2));
        assertEquals(body.replace("\"claude\"", "\"claude-sonnet-4-5\""),
                new String(sent.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aModelNamedLikeTheDeploymentsGoesUpstreamUntouched() throws InterruptedException {
        String body = MessagesSupport.message("claude-sonnet-4-5", "same name", false);
        try (HttpClient http = EndToEndSupport.httpClient()) {
            assertEquals(200, MessagesSupport.post(http, gw, TestGateway.KEY, body).statusCode());
        }
        assertEquals(body, new String(anthropic.takeRequest(Duration.ofSeconds(2)).body(), StandardCharsets.UTF_8));
    }

    @Test
    void sdkStreamArrivesEventByEventAndAccumulatesIntoTheMessage() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY);
             StreamResponse<RawMessageStreamEvent> stream = claude.api().messages().createStreaming(
                     params("claude", "Stream it please").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();
        message.validate();
        assertEquals("Hello! You said: Stream it please", message.content().get(0).text().orElseThrow().text());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        assertTrue(message.usage().inputTokens() > 0 && message.usage().outputTokens() > 0);
    }

    @Test
    void streamedToolUseArrivesAsInputJsonDeltasThatAssembleIntoTheInput() {
        Tool weather = Tool.builder().name("get_weather").description("Weather for a city")
                .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                        .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build())
                        .required(List.of("city")).build())
                .build();
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<String> fragments = new ArrayList<>();
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY);
             StreamResponse<RawMessageStreamEvent> stream = claude.api().messages().createStreaming(
                     params("claude", "Please use the tool for Paris").addTool(weather).build())) {
            stream.stream().forEach(event -> {
                accumulator.accumulate(event);
                event.contentBlockDelta().flatMap(d -> d.delta().inputJson())
                        .ifPresent(json -> fragments.add(json.partialJson()));
            });
        }
        Message message = accumulator.message();
        ToolUseBlock toolUse = message.content().stream().map(ContentBlock::toolUse).flatMap(java.util.Optional::stream)
                .findFirst().orElseThrow();
        assertEquals("get_weather", toolUse.name());
        assertTrue(toolUse.id().startsWith("toolu_"), toolUse.id());
        assertTrue(fragments.size() > 1, "the input arrived in pieces: " + fragments);
        assertEquals(Map.of("city", "mock"), EndToEndSupport.JSON.convertValue(
                EndToEndSupport.parse(String.join("", fragments)), Map.class));
        assertEquals(StopReason.TOOL_USE, message.stopReason().orElseThrow());
    }

    @Test
    void cacheControlMarkersArriveUnchangedAndCacheWritesAndReadsAreReported() throws InterruptedException {
        String longSystem = "You are a meticulous assistant. ".repeat(40);
        MessageCreateParams cached = params("claude", "First question")
                .systemOfTextBlockParams(List.of(TextBlockParam.builder().text(longSystem)
                        .cacheControl(CacheControlEphemeral.builder().build()).build()))
                .build();
        Message first;
        Message second;
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            first = claude.api().messages().create(cached);
            second = claude.api().messages().create(cached);
        }
        JsonNode sentSystem = anthropic.takeRequest(Duration.ofSeconds(2)).bodyJson().get("system");
        assertEquals(EndToEndSupport.parse("{\"type\":\"ephemeral\"}"), sentSystem.get(0).get("cache_control"));
        long written = first.usage().cacheCreationInputTokens().orElse(0L);
        assertTrue(written > 0, "the first request writes the cache");
        assertEquals(written, second.usage().cacheReadInputTokens().orElse(0L), "the second one reads it");

        try (HttpClient http = EndToEndSupport.httpClient()) {
            String series = EndToEndSupport.tokenSeries("claude", "cached");
            assertTrue(EndToEndSupport.await(() -> EndToEndSupport.scrapeCounter(http, gw, series) == written,
                    EndToEndSupport.WAIT), "cache reads are counted as cached prompt tokens");
        }
    }

    @Test
    void aWholeAnswerCarriesItsCostFromTheAnthropicUsage() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("claude", "What does it cost?", false));

            assertEquals(200, r.statusCode(), r.body());
            JsonNode usage = EndToEndSupport.parse(r.body()).get("usage");
            double expected = (usage.get("input_tokens").asLong() * 3.00 + usage.get("output_tokens").asLong() * 15.00)
                    / 1_000_000;
            assertEquals(expected, Double.parseDouble(r.headers().firstValue("x-brokle-cost-usd").orElseThrow()), 1e-12);
            assertEquals("sonnet", r.headers().firstValue("x-brokle-deployment").orElseThrow());
            assertTrue(r.headers().firstValue("x-request-id").orElseThrow().startsWith("req_"));
        }
    }

    @Test
    void sdkTokenCountIsRelayedAndMatchesTheMessagesInputTokens() throws InterruptedException {
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            MessageTokensCount count = claude.api().messages().countTokens(MessageCountTokensParams.builder()
                    .model("claude").addUserMessage("How many tokens is this?").system("Count carefully.").build());
            RecordedRequest sent = anthropic.takeRequest(Duration.ofSeconds(2));
            assertEquals("/v1/messages/count_tokens", sent.path());
            assertEquals("claude-sonnet-4-5", sent.bodyJson().get("model").asText());
            assertEquals(anthropic.apiKey(), sent.header("x-api-key"));

            Message message = claude.api().messages().create(params("claude", "How many tokens is this?")
                    .system("Count carefully.").build());
            assertTrue(count.inputTokens() > 0);
            assertEquals(message.usage().inputTokens(), count.inputTokens());
        }
    }

    @Test
    void anthropicBetaAndTheClientsVersionAreForwarded() throws InterruptedException {
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            claude.api().messages().create(params("claude", "beta please")
                    .putAdditionalHeader("anthropic-beta", "context-1m-2025-08-07")
                    .putAdditionalHeader("anthropic-version", "2023-01-01").build());
        }
        RecordedRequest sent = anthropic.takeRequest(Duration.ofSeconds(2));
        assertEquals("context-1m-2025-08-07", sent.header("anthropic-beta"));
        assertEquals("2023-01-01", sent.header("anthropic-version"));
    }

    @Test
    void withoutAClientVersionTheProvidersIsSent() throws Exception {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(gw.baseUrl() + MessagesSupport.PATH))
                    .header("x-api-key", TestGateway.KEY).header("content-type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(MessagesSupport.message("claude", "hi", false)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
        }
        RecordedRequest sent = anthropic.takeRequest(Duration.ofSeconds(2));
        assertEquals(io.brokle.config.Provider.DEFAULT_ANTHROPIC_VERSION, sent.header("anthropic-version"));
        assertNull(sent.header("anthropic-beta"));
    }

    @Test
    void aProviderErrorReachesTheSdkAsTheProviderSentIt() {
        anthropic.failNext(400, "invalid_request_error", "messages: roles must alternate");
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> claude.api().messages().create(params("claude", "Hi").build()));
            assertEquals(400, e.statusCode());
            assertTrue(e.getMessage().contains("roles must alternate"), e.getMessage());
        }
    }

    @Test
    void anOverloadIsPassedOnInAnthropicsFormatWhenThereIsNothingElseToTry() {
        anthropic.overloadNext();
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("claude", "Hi", false));
            assertEquals(529, r.statusCode(), r.body());
            assertEquals("Overloaded", EndToEndSupport.parse(r.body()).get("error").get("message").asText());
            assertEquals("overloaded_error", EndToEndSupport.parse(r.body()).get("error").get("type").asText());
        }
    }

    @Test
    void a429WithRetryAfterIsRetriedOnTheNextDeploymentBeforeTheClientSeesAnything() {
        anthropic.failNext(429, "rate_limit_error", "Number of requests has exceeded your rate limit");
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            Message message = claude.api().messages().create(params("claude-pair", "Retry me").build());
            assertEquals("Hello! You said: Retry me", message.content().get(0).text().orElseThrow().text());
        }
        assertEquals(2, anthropic.requests().size(), "one 429, then the second deployment answered");
    }

    @Test
    void aStreamCutMidwayEndsWithAnErrorEventAndNoMessageStop() {
        anthropic.dropNextAfterEvents(4);
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("claude", "Cut me off somewhere in the middle please", true));

            assertEquals(200, r.statusCode());
            List<String> names = eventNames(r.body());
            assertEquals("message_start", names.get(0), r.body());
            assertEquals("error", names.get(names.size() - 1), r.body());
            assertFalse(names.contains("message_stop"), r.body());
            String data = MessagesSupport.events(r.body()).get(names.size() - 1).getValue();
            assertEquals("api_error", EndToEndSupport.parse(data).get("error").get("type").asText(), data);
            assertTrue(EndToEndSupport.await(() -> EndToEndSupport.scrapeCounter(http, gw,
                    "brokle_errors_total{cause=\"upstream_truncated\"}") == 1, EndToEndSupport.WAIT),
                    "recorded as incomplete");
        }
    }

    @Test
    void theProvidersErrorEventIsRelayedOnceAndEndsTheStream() {
        anthropic.errorEventNextAfterEvents(3, "overloaded_error", "Overloaded");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("claude", "Stream then fail", true));

            List<String> names = eventNames(r.body());
            assertEquals(1, names.stream().filter("error"::equals).count(), r.body());
            assertEquals("error", names.get(names.size() - 1));
            assertFalse(names.contains("message_stop"), r.body());
            assertAnthropicError(MessagesSupport.events(r.body()).get(names.size() - 1).getValue(), "overloaded_error");
        }
    }

    @Test
    void aCompleteStreamEndsWithMessageStopAndCountsItsTokens() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("claude", "count my tokens", true));

            List<Map.Entry<String, String>> events = MessagesSupport.events(r.body());
            assertEquals("message_stop", events.get(events.size() - 1).getKey(), r.body());
            JsonNode start = EndToEndSupport.parse(events.get(0).getValue()).get("message").get("usage");
            JsonNode delta = EndToEndSupport.parse(events.stream().filter(e -> e.getKey().equals("message_delta"))
                    .findFirst().orElseThrow().getValue()).get("usage");
            String prompt = EndToEndSupport.tokenSeries("claude", "prompt");
            assertTrue(EndToEndSupport.await(() -> EndToEndSupport.scrapeCounter(http, gw, prompt) > 0, EndToEndSupport.WAIT));
            String metrics = EndToEndSupport.scrapeMetrics(http, gw);
            assertEquals(start.get("input_tokens").asLong(), (long) EndToEndSupport.metric(metrics, prompt));
            assertEquals(delta.get("output_tokens").asLong(),
                    (long) EndToEndSupport.metric(metrics, EndToEndSupport.tokenSeries("claude", "completion")),
                    "the output tokens of message_delta");
            assertNotNull(r.headers().firstValue("x-request-id").orElse(null));
        }
    }
}
