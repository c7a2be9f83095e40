package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import io.brokle.proxy.testing.AnthropicUpstream;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.TestGateway;
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
 * OpenAI clients reaching an Anthropic deployment through the gateway: the official OpenAI SDK
 * talks to the gateway; the gateway talks Anthropic's Messages API to a mock that speaks its
 * real wire format.
 */
class AnthropicEndToEndTest {
    private AnthropicUpstream anthropic;
    private TestGateway gw;

    @BeforeEach
    void start() {
        anthropic = AnthropicUpstream.start();
        gw = TestGateway.start("providers:\n"
                + "  - {name: claude, kind: anthropic, baseUrl: " + anthropic.baseUrl() + ", apiKey: " + anthropic.apiKey() + "}\n"
                + "deployments:\n"
                + "  - {name: sonnet, provider: claude, model: claude-sonnet-4-5}\n"
                + "routes:\n"
                + "  - {model: claude, deployments: [sonnet], maxAttempts: 1}\n"
                + "keys:\n  - {id: test, hash: " + TestGateway.hash(TestGateway.KEY) + ", tenant: acme/app/dev}\n");
    }

    @AfterEach
    void stop() {
        gw.close();
        anthropic.close();
    }

    @Test
    void sdkChatIsTranslatedToTheMessagesApiAndBack() throws InterruptedException {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            ChatCompletion answer = sdk.api().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("claude").addSystemMessage("Be brief.").addUserMessage("Hello Claude").maxCompletionTokens(200)
                    .build());

            assertFalse(answer.choices().get(0).message().content().orElse("").isEmpty());
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
            assertTrue(answer.usage().orElseThrow().promptTokens() > 0);
        }
        RecordedRequest sent = anthropic.takeRequest(Duration.ofSeconds(2));
        assertEquals("/v1/messages", sent.path());
        assertEquals(anthropic.apiKey(), sent.header("x-api-key"));
        assertEquals(AnthropicUpstream.VERSION, sent.header("anthropic-version"));
        JsonNode body = sent.bodyJson();
        assertEquals("claude-sonnet-4-5", body.get("model").asText());
        assertEquals("Be brief.", body.get("system").isTextual() ? body.get("system").asText()
                : body.get("system").get(0).get("text").asText());
        assertEquals(200, body.get("max_tokens").asInt());
        assertTrue(sent.header("authorization") == null, "the virtual key never goes upstream");
    }

    @Test
    void sdkStreamReceivesTranslatedChunksAndAUsageChunkWhenAsked() {
        EndToEndSupport.StreamedChat read = EndToEndSupport.streamWithUsage(gw, "claude", "Stream to me");
        assertFalse(read.text().isEmpty());
        assertEquals(1, read.usageChunks().size());
    }

    @Test
    void streamedToolCallArgumentsArriveWholeWithIdAndName() {
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build()).build()).build();
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY);
             StreamResponse<ChatCompletionChunk> stream = sdk.api().chat().completions().createStreaming(
                     ChatCompletionCreateParams.builder().model("claude")
                             .addUserMessage("Please use the tool for Paris").addTool(weather).build())) {
            StringBuilder arguments = new StringBuilder();
            List<String> names = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<ChatCompletionChunk.Choice.FinishReason> finish = new ArrayList<>();
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
                    call.id().ifPresent(ids::add);
                    call.function().flatMap(f -> f.name()).ifPresent(names::add);
                    call.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
                }));
                c.finishReason().ifPresent(finish::add);
            }));
            assertEquals(List.of("get_weather"), names);
            assertEquals(1, ids.size());
            assertNotNull(EndToEndSupport.parse(arguments.toString()), "arguments assemble into JSON: " + arguments);
            assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), finish);
        }
    }

    @Test
    void anthropicOverloadIsAnOpenAiServiceUnavailable() {
        anthropic.overloadNext();
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            InternalServerException e = assertThrows(InternalServerException.class, () -> sdk.api().chat().completions()
                    .create(ChatCompletionCreateParams.builder().model("claude").addUserMessage("Hi").build()));
            assertEquals(503, e.statusCode());
        }
    }

    @Test
    void embeddingsForAnAnthropicModelAreAClearBadRequest() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/embeddings", TestGateway.KEY,
                    "{\"model\":\"claude\",\"input\":\"hi\"}");
            assertEquals(400, r.statusCode(), r.body());
            EndToEndSupport.assertOpenAiError(r.body());
            assertTrue(r.body().contains("does not offer"), r.body());
            assertTrue(anthropic.requests().isEmpty(), "nothing reached the provider");
        }
    }

    @Test
    void parametersAnthropicCannotTakeAreNamedInAResponseHeader() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    "{\"model\":\"claude\",\"seed\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("x-brokle-dropped-params").orElse("").contains("seed"),
                    "dropped params: " + r.headers().firstValue("x-brokle-dropped-params"));
        }
    }

    @Test
    void anErrorEventMidStreamReachesTheClientOnceAndTheStreamEndsWithoutDone() {
        anthropic.errorEventNextAfterEvents(3, "overloaded_error", "Overloaded");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude", "Stream then fail", true));

            assertEquals(200, r.statusCode());
            List<String> errors = EndToEndSupport.sseData(r.body()).stream().filter(d -> d.startsWith("{\"error\"")).toList();
            assertEquals(1, errors.size(), "exactly one terminal error event: " + r.body());
            assertTrue(errors.get(0).contains("Overloaded"), errors.get(0));
            assertFalse(r.body().contains("[DONE]"), r.body());
        }
    }
}
