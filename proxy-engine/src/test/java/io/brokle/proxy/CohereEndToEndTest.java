package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.brokle.proxy.testing.CohereUpstream;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI clients reaching Cohere deployments through the gateway: the official OpenAI SDK (and
 * plain HTTP) talks to the gateway; the gateway talks Cohere's v2 API to {@link CohereUpstream},
 * a mock that speaks its wire format, streamed and not, and misbehaves when told to.
 */
class CohereEndToEndTest {
    private static final String CHAT_MODEL = "command-r-08-2024";

    private CohereUpstream cohere;
    private TestGateway gw;

    @BeforeEach
    void start() {
        cohere = CohereUpstream.start();
        gw = TestGateway.start("providers:\n"
                + "  - {name: co, kind: cohere, baseUrl: " + cohere.baseUrl() + ", apiKey: " + cohere.apiKey()
                + ", timeouts: {connect: 1s, firstByte: 1s, idle: 1s, total: 10s}}\n"
                + "deployments:\n"
                + "  - {name: command, provider: co, model: " + CHAT_MODEL + "}\n"
                + "  - {name: command-b, provider: co, model: " + CHAT_MODEL + "}\n"
                + "  - {name: big, provider: co, model: command-a-03-2025}\n"
                + "  - {name: embed, provider: co, model: embed-v4.0}\n"
                + "routes:\n"
                + "  - {model: command, deployments: [command], maxAttempts: 1}\n"
                + "  - {model: command-pair, deployments: [command, command-b], strategy: priority}\n"
                + "  - {model: small, deployments: [command], fallbacks: [large]}\n"
                + "  - {model: large, deployments: [big]}\n"
                + "  - {model: cohere-embed, deployments: [embed]}\n"
                + "keys:\n  - {id: test, hash: " + TestGateway.hash(TestGateway.KEY) + ", tenant: acme/app/dev}\n");
    }

    @AfterEach
    void stop() {
        gw.close();
        cohere.close();
    }

    @Test
    void sdkChatIsTranslatedToCohereV2AndBack() throws InterruptedException {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            ChatCompletion answer = sdk.api().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("command").addSystemMessage("Be brief.").addUserMessage("Hello Cohere")
                    .maxCompletionTokens(200).temperature(0.2).topP(0.5).stop("STOP").build());

            assertEquals("Hello! You said: Hello Cohere", answer.choices().get(0).message().content().orElseThrow());
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
            // billed input: the words of "Be brief." and "Hello Cohere"; output: the answer's 5 words
            assertEquals(4, answer.usage().orElseThrow().promptTokens());
            assertEquals(5, answer.usage().orElseThrow().completionTokens());
        }
        RecordedRequest sent = cohere.takeRequest(Duration.ofSeconds(2));
        assertEquals("/v2/chat", sent.path());
        assertEquals("Bearer " + cohere.apiKey(), sent.header("authorization"));
        JsonNode body = sent.bodyJson();
        assertEquals(CHAT_MODEL, body.get("model").asText());
        assertFalse(body.get("stream").asBoolean());
        assertEquals("system", body.get("messages").get(0).get("role").asText());
        assertEquals("Be brief.", body.get("messages").get(0).get("content").asText());
        assertEquals("user", body.get("messages").get(1).get("role").asText());
        assertEquals(200, body.get("max_tokens").asInt());
        assertEquals(0.2, body.get("temperature").asDouble());
        assertEquals(0.5, body.get("p").asDouble());
        assertEquals("STOP", body.get("stop_sequences").get(0).asText());
        assertFalse(sent.bodyText().contains(TestGateway.KEY), "the virtual key never goes upstream");
    }

    @Test
    void aWholeAnswerCarriesItsCostFromCoheresBilledUnits() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("command", "What does this cost?", false));

            assertEquals(200, r.statusCode(), r.body());
            JsonNode usage = EndToEndSupport.parse(r.body()).get("usage");
            // command-r-08-2024: input 0.15, output 0.60 per 1M tokens
            BigDecimal expected = new BigDecimal("0.15").multiply(BigDecimal.valueOf(usage.get("prompt_tokens").asLong()))
                    .add(new BigDecimal("0.60").multiply(BigDecimal.valueOf(usage.get("completion_tokens").asLong())))
                    .divide(BigDecimal.valueOf(1_000_000));
            assertTrue(usage.get("prompt_tokens").asLong() > 0, r.body());
            assertEquals(0, expected.compareTo(new BigDecimal(r.headers().firstValue("x-brokle-cost-usd").orElseThrow())),
                    "header " + r.headers().firstValue("x-brokle-cost-usd") + " vs " + expected);
        }
    }

    @Test
    void sdkStreamGetsContentInOrderAUsageChunkWhenAskedAndTheTokensAreCounted() throws InterruptedException {
        EndToEndSupport.StreamedChat read = EndToEndSupport.streamWithUsage(gw, "command", "Stream to me please");
        assertEquals("Hello! You said: Stream to me please", read.text());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), read.finishReasons());
        assertEquals(1, read.usageChunks().size());
        assertEquals(4, read.usageChunks().get(0).usage().orElseThrow().promptTokens());
        assertEquals(7, read.usageChunks().get(0).usage().orElseThrow().completionTokens());
        RecordedRequest sent = cohere.takeRequest(Duration.ofSeconds(2));
        assertTrue(sent.bodyJson().get("stream").asBoolean());
        assertEquals("text/event-stream", sent.header("accept"));
        try (HttpClient http = EndToEndSupport.httpClient()) {
            assertTrue(EndToEndSupport.await(() -> EndToEndSupport.scrapeCounter(http, gw,
                    EndToEndSupport.tokenSeries("command", "completion")) == 7, Duration.ofSeconds(2)),
                    "the gateway counted the streamed answer's tokens: " + EndToEndSupport.scrapeMetrics(http, gw));
            assertTrue(EndToEndSupport.scrapeMetrics(http, gw).contains("brokle_cost_usd_total{model=\"command\"}"),
                    "the streamed answer was priced");
        }
    }

    @Test
    void streamedToolCallsArriveWithTheirIdNameAndWholeArguments() {
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"),
                                "days", Map.of("type", "integer"))))
                        .build()).build()).build();
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY);
             StreamResponse<ChatCompletionChunk> stream = sdk.api().chat().completions().createStreaming(
                     ChatCompletionCreateParams.builder().model("command")
                             .addUserMessage("Please use the tool for Paris").addTool(weather).build())) {
            StringBuilder arguments = new StringBuilder();
            List<String> names = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<Long> indexes = new ArrayList<>();
            List<ChatCompletionChunk.Choice.FinishReason> finish = new ArrayList<>();
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
                    indexes.add(call.index());
                    call.id().ifPresent(ids::add);
                    call.function().flatMap(f -> f.name()).ifPresent(names::add);
                    call.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
                }));
                c.finishReason().ifPresent(finish::add);
            }));
            assertEquals(List.of("get_weather"), names);
            assertEquals(1, ids.size());
            assertTrue(ids.get(0).startsWith("get_weather_"), ids.toString());
            assertTrue(indexes.stream().allMatch(i -> i == 0), indexes.toString());
            JsonNode parsed = EndToEndSupport.parse(arguments.toString());
            assertEquals("mock", parsed.get("city").asText());
            assertEquals(1, parsed.get("days").asInt());
            assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), finish);
        }
        JsonNode tools = cohere.requests().getFirst().bodyJson().get("tools");
        assertEquals("get_weather", tools.get(0).get("function").get("name").asText());
        assertEquals("object", tools.get(0).get("function").get("parameters").get("type").asText());
    }

    @Test
    void jsonModeBecomesCoheresJsonObjectResponseFormat() {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            ChatCompletion answer = sdk.api().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("command").addUserMessage("Give me JSON")
                    .responseFormat(ResponseFormatJsonObject.builder().build()).build());

            JsonNode content = EndToEndSupport.parse(answer.choices().get(0).message().content().orElseThrow());
            assertEquals("Give me JSON", content.get("answer").asText());
        }
        assertEquals("json_object", cohere.requests().getFirst().bodyJson().get("response_format").get("type").asText());
    }

    @Test
    void sdkEmbeddingsAsFloatsAndInItsDefaultBase64GiveTheSameVectors() throws InterruptedException {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            CreateEmbeddingResponse floats = sdk.api().embeddings().create(EmbeddingCreateParams.builder()
                    .model("cohere-embed").inputOfArrayOfStrings(List.of("first text", "the second text"))
                    .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
            CreateEmbeddingResponse base64 = sdk.api().embeddings().create(EmbeddingCreateParams.builder()
                    .model("cohere-embed").inputOfArrayOfStrings(List.of("first text", "the second text")).build());

            assertEquals(2, floats.data().size());
            assertEquals(8, floats.data().get(0).embedding().size());
            assertEquals(5, floats.usage().promptTokens());
            for (int i = 0; i < 2; i++) {
                assertEquals(i, floats.data().get(i).index());
                assertArrayEquals(toArray(floats.data().get(i).embedding()), toArray(base64.data().get(i).embedding()),
                        1e-6f, "vector " + i);
            }
            assertFalse(floats.data().get(0).embedding().equals(floats.data().get(1).embedding()));
        }
        RecordedRequest sent = cohere.takeRequest(Duration.ofSeconds(2));
        assertEquals("/v2/embed", sent.path());
        JsonNode body = sent.bodyJson();
        assertEquals("embed-v4.0", body.get("model").asText());
        assertEquals("first text", body.get("texts").get(0).asText());
        assertEquals("search_document", body.get("input_type").asText());
        assertEquals("float", body.get("embedding_types").get(0).asText());
        assertEquals(1, body.get("embedding_types").size());
    }

    @Test
    void embeddingsInputTypeAndDimensionsAreCoheresOwn() throws InterruptedException {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/embeddings", TestGateway.KEY,
                    "{\"model\":\"cohere-embed\",\"input\":\"a query\",\"input_type\":\"search_query\",\"dimensions\":4}");

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(4, EndToEndSupport.parse(r.body()).get("data").get(0).get("embedding").size());
        }
        JsonNode body = cohere.takeRequest(Duration.ofSeconds(2)).bodyJson();
        assertEquals("search_query", body.get("input_type").asText());
        assertEquals(4, body.get("output_dimension").asInt());
    }

    @Test
    void a429WithRetryAfterMovesToTheNextDeployment() {
        cohere.rateLimitNext("30");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("command-pair", "Hi", false));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("command-b", r.headers().firstValue("x-brokle-deployment").orElseThrow());
            assertEquals("2", r.headers().firstValue("x-brokle-attempts").orElseThrow());
            assertEquals(2, cohere.requests().size());
        }
    }

    @Test
    void a429ForTheOnlyDeploymentReachesTheClientAsAnOpenAiRateLimitWithRetryAfter() {
        cohere.rateLimitNext("7");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("command", "Hi", false));

            assertEquals(429, r.statusCode(), r.body());
            EndToEndSupport.assertOpenAiError(r.body(), "rate_limit_exceeded");
            assertEquals("7", r.headers().firstValue("retry-after").orElseThrow());
        }
    }

    @Test
    void aCohereErrorReachesTheSdkAsAnOpenAiErrorWithCoheresMessage() {
        cohere.failNext(400, "invalid request: temperature must be between 0 and 5");
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            BadRequestException e = assertThrows(BadRequestException.class, () -> sdk.api().chat().completions()
                    .create(ChatCompletionCreateParams.builder().model("command").addUserMessage("Hi").build()));
            assertEquals(400, e.statusCode());
            assertTrue(e.getMessage().contains("temperature must be between 0 and 5"), e.getMessage());
        }
    }

    @Test
    void coheresTooManyTokensErrorFallsBackToTheLargerModel() {
        cohere.failNext(400, "too many tokens: size limit exceeded by 1530 tokens. Try using shorter or fewer inputs.");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("small", "A very long prompt", false));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("big", r.headers().firstValue("x-brokle-deployment").orElseThrow());
            assertEquals("command-a-03-2025", cohere.requests().get(1).bodyJson().get("model").asText());
        }
    }

    @Test
    void aStreamCutMidwayEndsWithATerminalErrorEventAndNoDone() {
        cohere.dropNextAfterEvents(4);
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("command", "Stream then break", true));

            assertEquals(200, r.statusCode());
            List<String> data = EndToEndSupport.sseData(r.body());
            assertFalse(EndToEndSupport.streamedContent(r.body()).isEmpty(), "some content came first: " + r.body());
            assertTrue(data.getLast().contains("upstream_truncated"), r.body());
            assertFalse(r.body().contains("[DONE]"), r.body());
        }
    }

    @Test
    void aStreamCohereEndsWithAnErrorGivesOneTerminalErrorAndNoDone() {
        cohere.errorEndNextAfterEvents(4, "internal error while generating");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("command", "Stream then fail", true));

            assertEquals(200, r.statusCode());
            List<String> errors = EndToEndSupport.sseData(r.body()).stream()
                    .filter(d -> d.startsWith("{\"error\"")).toList();
            assertEquals(1, errors.size(), "exactly one terminal error event: " + r.body());
            assertTrue(errors.get(0).contains("internal error while generating"), errors.get(0));
            assertFalse(r.body().contains("[DONE]"), r.body());
        }
    }

    @Test
    void aSlowFirstByteIsAnOpenAiTimeout() {
        cohere.slowFirstByteNext(Duration.ofSeconds(3));
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("command", "Are you there?", false));

            assertEquals(504, r.statusCode(), r.body());
            EndToEndSupport.assertOpenAiError(r.body(), "upstream_timeout");
        }
    }

    @Test
    void parametersCohereCannotTakeAreNamedInAResponseHeader() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    "{\"model\":\"command\",\"user\":\"u-1\",\"seed\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("user", r.headers().firstValue("x-brokle-dropped-params").orElseThrow());
        }
        assertEquals(7, cohere.requests().getFirst().bodyJson().get("seed").asInt());
    }

    @Test
    void legacyCompletionsForACohereModelAreAClearBadRequest() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/completions", TestGateway.KEY,
                    "{\"model\":\"command\",\"prompt\":\"hi\"}");

            assertEquals(400, r.statusCode(), r.body());
            EndToEndSupport.assertOpenAiError(r.body());
            assertTrue(r.body().contains("does not offer"), r.body());
            assertTrue(cohere.requests().isEmpty(), "nothing reached the provider");
        }
    }

    @Test
    void aRequestCohereCannotExpressIsRefusedBeforeReachingIt() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    "{\"model\":\"command\",\"n\":2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertEquals(400, r.statusCode(), r.body());
            assertEquals("n", EndToEndSupport.assertOpenAiError(r.body()).get("param").asText());
            assertTrue(cohere.requests().isEmpty(), "nothing reached the provider");
        }
    }

    private static float[] toArray(List<Float> vector) {
        float[] out = new float[vector.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector.get(i);
        }
        return out;
    }
}
