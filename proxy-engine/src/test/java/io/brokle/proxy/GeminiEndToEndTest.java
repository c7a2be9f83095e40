package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.brokle.proxy.testing.GeminiUpstream;
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
 * OpenAI clients reaching Gemini deployments through the gateway: the official OpenAI SDK (or
 * plain HTTP) talks to the gateway; the gateway talks the Gemini API to {@link GeminiUpstream},
 * a mock that speaks its wire format and checks bodies as strictly as Google does.
 */
class GeminiEndToEndTest {
    private static final String PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private GeminiUpstream gemini;
    private TestGateway gw;

    @BeforeEach
    void start() {
        gemini = GeminiUpstream.start();
        gw = TestGateway.start("providers:\n"
                + "  - {name: google, kind: gemini, baseUrl: " + gemini.baseUrl() + ", apiKey: " + gemini.apiKey()
                + ", timeouts: {connect: 1s, firstByte: 2s, idle: 1s, total: 10s}}\n"
                + "  - {name: google-b, kind: gemini, baseUrl: " + gemini.baseUrl() + ", apiKey: " + gemini.apiKey() + "}\n"
                + "  - {name: google-slow, kind: gemini, baseUrl: " + gemini.baseUrl() + ", apiKey: " + gemini.apiKey()
                + ", timeouts: {firstByte: 300ms}}\n"
                + "deployments:\n"
                + "  - {name: flash, provider: google, model: gemini-2.5-flash}\n"
                + "  - {name: pro3, provider: google, model: gemini-3-pro-preview}\n"
                + "  - {name: embed, provider: google, model: gemini-embedding-001}\n"
                + "  - {name: flash-b, provider: google-b, model: gemini-2.5-flash}\n"
                + "  - {name: flash-slow, provider: google-slow, model: gemini-2.5-flash}\n"
                + "routes:\n"
                + "  - {model: gemini, deployments: [flash], maxAttempts: 1}\n"
                + "  - {model: gemini3, deployments: [pro3], maxAttempts: 1}\n"
                + "  - {model: gemini-embed, deployments: [embed], maxAttempts: 1}\n"
                + "  - {model: gemini-ha, deployments: [flash, flash-b], strategy: priority, maxAttempts: 2}\n"
                + "  - {model: gemini-slow, deployments: [flash-slow], maxAttempts: 1}\n"
                + "  - {model: gemini-small, deployments: [flash], fallbacks: [gemini3], maxAttempts: 2}\n"
                + EndToEndSupport.keyYaml());
    }

    @AfterEach
    void stop() {
        gw.close();
        gemini.close();
    }

    @Test
    void sdkChatIsTranslatedToGenerateContentAndBack() throws InterruptedException {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            ChatCompletion answer = sdk.api().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gemini").addSystemMessage("Be brief.").addUserMessage("Hello Gemini")
                    .maxCompletionTokens(200).temperature(0.5).build());

            assertEquals("Hello! You said: Hello Gemini", answer.choices().get(0).message().content().orElseThrow());
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
            assertEquals("gemini-2.5-flash", answer.model());
            assertTrue(answer.usage().orElseThrow().promptTokens() > 0);
            assertEquals(5, answer.usage().orElseThrow().completionTokens());
        }
        RecordedRequest sent = gemini.takeRequest(Duration.ofSeconds(2));
        assertEquals("/v1beta/models/gemini-2.5-flash:generateContent", sent.uri());
        assertEquals(gemini.apiKey(), sent.header("x-goog-api-key"));
        assertNull(sent.header("authorization"), "the virtual key never goes upstream");
        JsonNode body = sent.bodyJson();
        assertEquals("Be brief.", body.at("/systemInstruction/parts/0/text").asText());
        assertEquals("user", body.at("/contents/0/role").asText());
        assertEquals("Hello Gemini", body.at("/contents/0/parts/0/text").asText());
        assertEquals(200, body.at("/generationConfig/maxOutputTokens").asInt());
        assertEquals(0.5, body.at("/generationConfig/temperature").asDouble());
    }

    @Test
    void sdkStreamReceivesTranslatedChunksInOrderAndAUsageChunkWhenAsked() throws InterruptedException {
        EndToEndSupport.StreamedChat read = EndToEndSupport.streamWithUsage(gw, "gemini", "Stream to me please");
        assertEquals("Hello! You said: Stream to me please", read.text());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), read.finishReasons());
        assertEquals(1, read.usageChunks().size());
        assertEquals(7, read.usageChunks().get(0).usage().orElseThrow().completionTokens());
        assertEquals("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
                gemini.takeRequest(Duration.ofSeconds(2)).uri());
    }

    @Test
    void aStreamWithoutIncludeUsageHidesTheUsageChunkButTheGatewayCountsItsTokens() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            String completionSeries = EndToEndSupport.tokenSeries("gemini", "completion");
            long before = EndToEndSupport.scrapeCounter(http, gw, completionSeries);

            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini", "Count my tokens", true));

            assertEquals(200, r.statusCode());
            assertEquals("Hello! You said: Count my tokens", EndToEndSupport.streamedContent(r.body()));
            assertFalse(r.body().contains("\"choices\":[]"), "no usage chunk for a client that did not ask: " + r.body());
            assertTrue(r.body().endsWith("data: [DONE]\n\n"), r.body());
            assertTrue(EndToEndSupport.await(() -> EndToEndSupport.scrapeCounter(http, gw, completionSeries) - before == 6,
                    Duration.ofSeconds(2)), "brokle_tokens_total counted the 6 completion tokens of the hidden usage chunk");
        }
    }

    @Test
    void streamedToolCallsArriveWholeWithIdAndNameAndTheirResultGoesBack() throws InterruptedException {
        ChatCompletionFunctionTool weather = ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("additionalProperties", JsonValue.from(false))
                        .build()).build()).build();
        List<String> ids = new ArrayList<>();
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY);
             StreamResponse<ChatCompletionChunk> stream = sdk.api().chat().completions().createStreaming(
                     ChatCompletionCreateParams.builder().model("gemini")
                             .addUserMessage("Please use the tool for Paris").addTool(weather).build())) {
            StringBuilder arguments = new StringBuilder();
            List<String> names = new ArrayList<>();
            List<ChatCompletionChunk.Choice.FinishReason> finish = new ArrayList<>();
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> {
                c.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
                    assertEquals(0, call.index());
                    call.id().ifPresent(ids::add);
                    call.function().flatMap(f -> f.name()).ifPresent(names::add);
                    call.function().flatMap(f -> f.arguments()).ifPresent(arguments::append);
                }));
                c.finishReason().ifPresent(finish::add);
            }));
            assertEquals(List.of("get_weather"), names);
            assertEquals(1, ids.size());
            assertTrue(ids.get(0).matches("call_[0-9a-f]{24}"), ids.get(0));
            assertEquals("mock", EndToEndSupport.parse(arguments.toString()).get("city").asText(), arguments.toString());
            assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), finish);
        }
        JsonNode sentTools = gemini.takeRequest(Duration.ofSeconds(2)).bodyJson();
        assertEquals("get_weather", sentTools.at("/tools/0/functionDeclarations/0/name").asText());
        assertFalse(sentTools.at("/tools/0/functionDeclarations/0/parametersJsonSchema/additionalProperties").asBoolean(true),
                "the JSON schema goes as parametersJsonSchema, additionalProperties included");
    }

    @Test
    void aToolCallAndItsResultGoBackWithTheThoughtSignatureGemini3Requires() throws InterruptedException {
        String toolsJson = "[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        String tools = ",\"tools\":" + toolsJson;
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> first = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    "{\"model\":\"gemini3\",\"tool_choice\":\"required\",\"messages\":[{\"role\":\"user\","
                            + "\"content\":\"Weather in Paris?\"}]" + tools + "}");
            assertEquals(200, first.statusCode(), first.body());
            JsonNode message = EndToEndSupport.parse(first.body()).at("/choices/0/message");
            JsonNode call = message.at("/tool_calls/0");
            assertNotNull(call.at("/extra_content/google/thought_signature").textValue(), message.toString());

            ArrayNode messages = EndToEndSupport.JSON.createArrayNode();
            messages.addObject().put("role", "user").put("content", "Weather in Paris?");
            messages.add(message);
            messages.addObject().put("role", "tool").put("tool_call_id", call.get("id").asText())
                    .put("content", "{\"temperature\":21}");
            ObjectNode second = EndToEndSupport.JSON.createObjectNode().put("model", "gemini3");
            second.set("messages", messages);
            second.set("tools", EndToEndSupport.parse(toolsJson));
            HttpResponse<String> answer = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    second.toString());

            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("The tool said: {\"temperature\":21}",
                    EndToEndSupport.parse(answer.body()).at("/choices/0/message/content").asText());
        }
        gemini.takeRequest(Duration.ofSeconds(2));
        JsonNode sent = gemini.takeRequest(Duration.ofSeconds(2)).bodyJson();
        assertEquals("model", sent.at("/contents/1/role").asText());
        assertTrue(sent.at("/contents/1/parts/1/thoughtSignature").isTextual(), sent.toString());
        assertEquals("get_weather", sent.at("/contents/2/parts/0/functionResponse/name").asText());
        assertEquals(21, sent.at("/contents/2/parts/0/functionResponse/response/temperature").asInt());
    }

    @Test
    void aBase64ImageGoesAsInlineData() throws InterruptedException {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            sdk.api().chat().completions().create(ChatCompletionCreateParams.builder().model("gemini")
                    .addUserMessageOfArrayOfContentParts(List.of(
                            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("What is this?").build()),
                            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                    .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(PNG).build()).build())))
                    .build());
        }
        JsonNode part = gemini.takeRequest(Duration.ofSeconds(2)).bodyJson().at("/contents/0/parts/1/inlineData");
        assertEquals("image/png", part.get("mimeType").asText());
        assertEquals(PNG.substring(PNG.indexOf(',') + 1), part.get("data").asText());
    }

    @Test
    void anHttpImageUrlIsAClearBadRequestNamingTheFieldAndNothingReachesGemini() {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            BadRequestException e = assertThrows(BadRequestException.class, () -> sdk.api().chat().completions().create(
                    ChatCompletionCreateParams.builder().model("gemini").addUserMessageOfArrayOfContentParts(List.of(
                            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                    .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                            .url("https://example.com/cat.png").build()).build()))).build()));

            assertEquals(400, e.statusCode());
            assertEquals("messages[0].content[0].image_url.url", e.param().orElse(null));
            assertTrue(e.getMessage().contains("data: URL"), e.getMessage());
        }
        assertTrue(gemini.requests().isEmpty(), "nothing reached the provider");
    }

    @Test
    void jsonModeAsksForJsonAndTheAnswerIsJson() throws InterruptedException {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            ChatCompletion answer = sdk.api().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("gemini").addUserMessage("Answer in JSON").responseFormat(ResponseFormatJsonObject.builder().build())
                    .build());

            assertEquals("Answer in JSON", EndToEndSupport.parse(answer.choices().get(0).message().content().orElseThrow())
                    .get("answer").asText());
        }
        assertEquals("application/json", gemini.takeRequest(Duration.ofSeconds(2)).bodyJson()
                .at("/generationConfig/responseMimeType").asText());
    }

    @Test
    void usageCountsCachedAndReasoningTokensAndTheCostHeaderPricesThem() throws InterruptedException {
        String body = "{\"model\":\"gemini\",\"reasoning_effort\":\"low\",\"messages\":[{\"role\":\"system\","
                + "\"content\":\"You are a careful assistant who answers every question about the weather.\"},"
                + "{\"role\":\"user\",\"content\":\"Is it sunny?\"}]}";
        try (HttpClient http = EndToEndSupport.httpClient()) {
            assertEquals(200, EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY, body).statusCode());
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY, body);

            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = EndToEndSupport.parse(r.body());
            JsonNode usage = answer.get("usage");
            long prompt = usage.get("prompt_tokens").asLong();
            long completion = usage.get("completion_tokens").asLong();
            long cached = usage.at("/prompt_tokens_details/cached_tokens").asLong();
            long reasoning = usage.at("/completion_tokens_details/reasoning_tokens").asLong();
            assertTrue(cached > 0 && cached < prompt, usage.toString());
            assertTrue(reasoning > 0 && reasoning < completion, usage.toString());
            assertTrue(answer.at("/choices/0/message/reasoning_content").asText().startsWith("The user wrote"), r.body());
            // gemini-2.5-flash: input 0.30, cached 0.075, output (reasoning included) 2.50 USD per 1M tokens.
            BigDecimal expected = BigDecimal.valueOf(prompt - cached).multiply(new BigDecimal("0.30"))
                    .add(BigDecimal.valueOf(cached).multiply(new BigDecimal("0.075")))
                    .add(BigDecimal.valueOf(completion).multiply(new BigDecimal("2.50")))
                    .divide(BigDecimal.valueOf(1_000_000));
            assertEquals(0, expected.compareTo(new BigDecimal(r.headers().firstValue("x-brokle-cost-usd").orElseThrow())),
                    r.headers().firstValue("x-brokle-cost-usd") + " vs " + expected);
        }
        gemini.takeRequest(Duration.ofSeconds(2));
        JsonNode thinking = gemini.takeRequest(Duration.ofSeconds(2)).bodyJson().at("/generationConfig/thinkingConfig");
        assertEquals(1024, thinking.get("thinkingBudget").asInt());
        assertTrue(thinking.get("includeThoughts").asBoolean());
    }

    @Test
    void embeddingsGoThroughBatchEmbedContentsOneRequestPerText() throws InterruptedException {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            CreateEmbeddingResponse response = sdk.api().embeddings().create(EmbeddingCreateParams.builder()
                    .model("gemini-embed").inputOfArrayOfStrings(List.of("the quick brown fox", "jumps"))
                    .dimensions(16).build());

            assertEquals(2, response.data().size());
            assertEquals(16, response.data().get(0).embedding().size());
            assertEquals(1, response.data().get(1).index());
            assertTrue(response.data().get(0).embeddingValue().isBase64(), "the SDK's default encoding is honoured");
        }
        RecordedRequest sent = gemini.takeRequest(Duration.ofSeconds(2));
        assertEquals("/v1beta/models/gemini-embedding-001:batchEmbedContents", sent.uri());
        JsonNode requests = sent.bodyJson().get("requests");
        assertEquals(2, requests.size());
        assertEquals("jumps", requests.at("/1/content/parts/0/text").asText());
        assertEquals(16, requests.at("/0/outputDimensionality").asInt());
        assertEquals("models/gemini-embedding-001", requests.at("/0/model").asText());
    }

    @Test
    void aGemini429IsRetriedOnTheNextDeployment() {
        gemini.rateLimitNext(30);
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini-ha", "Hi", false));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("2", r.headers().firstValue("x-brokle-attempts").orElse(null));
            assertEquals("flash-b", r.headers().firstValue("x-brokle-deployment").orElse(null));
        }
        assertEquals(2, gemini.requests().size());
    }

    @Test
    void aWaitGivenOnlyInGooglesRetryInfoParksTheDeploymentAndReachesTheClient() {
        gemini.rateLimitNextInBodyOnly(30);
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> limited = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini", "Hi", false));
            assertEquals(429, limited.statusCode(), limited.body());
            assertEquals("30", limited.headers().firstValue("retry-after").orElse(null),
                    "the body's RetryInfo becomes the client's Retry-After");

            HttpResponse<String> parked = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini", "Again", false));
            assertEquals(429, parked.statusCode(), parked.body());
            assertTrue(Integer.parseInt(parked.headers().firstValue("retry-after").orElseThrow()) >= 29,
                    "the gateway answers for the parked deployment with the remaining wait");
        }
        assertEquals(1, gemini.requests().size(), "nothing reached Gemini during its wait");
    }

    @Test
    void geminiErrorsBecomeOpenAiErrors() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            gemini.rateLimitNext(7);
            HttpResponse<String> limited = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini", "Hi", false));
            assertEquals(429, limited.statusCode(), limited.body());
            assertEquals("7", limited.headers().firstValue("retry-after").orElse(null));
            EndToEndSupport.assertOpenAiError(limited.body(), "rate_limit_exceeded");

            gemini.failNext(400, "INVALID_ARGUMENT",
                    "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).");
            HttpResponse<String> tooLong = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini3", "Hi", false));
            assertEquals(400, tooLong.statusCode(), tooLong.body());
            EndToEndSupport.assertOpenAiError(tooLong.body(), "context_length_exceeded");
        }
        gemini.failNext(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            InternalServerException e = assertThrows(InternalServerException.class, () -> sdk.api().chat().completions()
                    .create(ChatCompletionCreateParams.builder().model("gemini3").addUserMessage("Hi").build()));
            assertEquals(503, e.statusCode());
            assertTrue(e.getMessage().contains("overloaded"), e.getMessage());
        }
    }

    @Test
    void aContextLengthErrorOrABlockedPromptMovesToTheFallbackRoute() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            gemini.failNext(400, "INVALID_ARGUMENT",
                    "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).");
            HttpResponse<String> tooLong = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini-small", "A very long prompt", false));
            assertEquals(200, tooLong.statusCode(), tooLong.body());
            assertEquals("pro3", tooLong.headers().firstValue("x-brokle-deployment").orElse(null));

            gemini.blockNextPrompt("SAFETY");
            HttpResponse<String> blocked = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini-small", "Something one model refuses", false));
            assertEquals(200, blocked.statusCode(), blocked.body());
            assertEquals("pro3", blocked.headers().firstValue("x-brokle-deployment").orElse(null));
        }
        List<String> uris = gemini.requests().stream().map(RecordedRequest::uri).toList();
        assertEquals(List.of("/v1beta/models/gemini-2.5-flash:generateContent",
                "/v1beta/models/gemini-3-pro-preview:generateContent",
                "/v1beta/models/gemini-2.5-flash:generateContent",
                "/v1beta/models/gemini-3-pro-preview:generateContent"), uris);
    }

    @Test
    void aProviderSlowerThanTheFirstByteTimeoutIsA504() {
        gemini.slowFirstByteNext(Duration.ofSeconds(30));
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini-slow", "Hi", false));

            assertEquals(504, r.statusCode(), r.body());
            EndToEndSupport.assertOpenAiError(r.body(), "upstream_timeout");
        }
    }

    @Test
    void aBlockedPromptIsAContentPolicyError() {
        gemini.blockNextPrompt("SAFETY");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini", "Something Gemini refuses", false));

            assertEquals(400, r.statusCode(), r.body());
            JsonNode error = EndToEndSupport.assertOpenAiError(r.body(), "content_policy_violation");
            assertTrue(error.get("message").asText().contains("SAFETY"), r.body());

            gemini.blockNextPrompt("PROHIBITED_CONTENT");
            HttpResponse<String> streamed = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini", "Something Gemini refuses", true));
            assertEquals(200, streamed.statusCode());
            List<String> data = EndToEndSupport.sseData(streamed.body());
            assertTrue(data.get(data.size() - 1).contains("content_policy_violation"), streamed.body());
            assertFalse(streamed.body().contains("[DONE]"), streamed.body());
        }
    }

    @Test
    void aStreamCutMidwayEndsWithATerminalErrorEventAndNoDone() {
        gemini.dropNextAfterEvents(2);
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini", "Stream then break", true));

            assertEquals(200, r.statusCode());
            List<String> data = EndToEndSupport.sseData(r.body());
            assertTrue(data.get(0).contains("\"role\":\"assistant\""), r.body());
            assertTrue(data.get(data.size() - 1).contains("upstream_truncated"), r.body());
            assertFalse(r.body().contains("[DONE]"), r.body());
        }
    }

    @Test
    void anErrorEventMidStreamReachesTheClientOnceAndTheStreamEndsWithoutDone() {
        gemini.errorEventNextAfterEvents(2, 500, "INTERNAL", "An internal error has occurred.");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gemini", "Stream then fail", true));

            assertEquals(200, r.statusCode());
            List<String> errors = EndToEndSupport.sseData(r.body()).stream().filter(d -> d.startsWith("{\"error\"")).toList();
            assertEquals(1, errors.size(), "exactly one terminal error event: " + r.body());
            assertTrue(errors.get(0).contains("An internal error has occurred."), errors.get(0));
            assertFalse(r.body().contains("[DONE]"), r.body());
        }
    }

    @Test
    void legacyCompletionsAreAClearBadRequestAndDroppedParametersAreNamed() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> completions = EndToEndSupport.post(http, gw, "/v1/completions", TestGateway.KEY,
                    "{\"model\":\"gemini\",\"prompt\":\"hi\"}");
            assertEquals(400, completions.statusCode(), completions.body());
            assertTrue(completions.body().contains("does not offer"), completions.body());
            assertTrue(gemini.requests().isEmpty(), "nothing reached the provider");

            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    "{\"model\":\"gemini\",\"logit_bias\":{\"50256\":-100},\"seed\":7,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("logit_bias", r.headers().firstValue("x-brokle-dropped-params").orElse(null));
        }
    }
}
