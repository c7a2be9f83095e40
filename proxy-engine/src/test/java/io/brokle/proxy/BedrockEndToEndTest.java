package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.brokle.proxy.testing.BedrockUpstream;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI clients reaching AWS Bedrock deployments through the gateway: the official OpenAI SDK (or
 * plain HTTP) talks to the gateway; the gateway signs its requests with SigV4 and speaks Bedrock's
 * Converse, ConverseStream (binary event stream) and InvokeModel wire formats to a mock that checks
 * every signature.
 */
class BedrockEndToEndTest {
    private static final String CLAUDE = "anthropic.claude-3-5-sonnet-20240620-v1:0";
    private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE";
    /** A 1x1 transparent PNG. */
    private static final String PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    private BedrockUpstream bedrock;
    private TestGateway gw;

    @BeforeEach
    void start() {
        bedrock = BedrockUpstream.start();
        String provider = "{kind: bedrock, region: " + bedrock.region() + ", baseUrl: " + bedrock.baseUrl()
                + ", accessKeyId: " + BedrockUpstream.ACCESS_KEY_ID + ", secretAccessKey: \"${AWS_SECRET}\"";
        gw = TestGateway.start("providers:\n"
                + "  - {name: aws, " + provider.substring(1) + ", sessionToken: " + SESSION_TOKEN + "}\n"
                + "  - {name: aws-wrong-secret, kind: bedrock, region: us-east-1, baseUrl: " + bedrock.baseUrl()
                + ", accessKeyId: " + BedrockUpstream.ACCESS_KEY_ID + ", secretAccessKey: not-the-secret}\n"
                + "  - {name: aws-slow, " + provider.substring(1) + ", timeouts: {firstByte: 300ms}}\n"
                + "deployments:\n"
                + "  - {name: sonnet, provider: aws, model: \"" + CLAUDE + "\"}\n"
                + "  - {name: sonnet-b, provider: aws, model: \"" + CLAUDE + "\"}\n"
                + "  - {name: sonnet37, provider: aws, model: \"anthropic.claude-3-7-sonnet-20250219-v1:0\"}\n"
                + "  - {name: nova, provider: aws, model: \"amazon.nova-pro-v1:0\"}\n"
                + "  - {name: titan, provider: aws, model: \"amazon.titan-embed-text-v2:0\"}\n"
                + "  - {name: cohere, provider: aws, model: cohere.embed-english-v3}\n"
                + "  - {name: forged, provider: aws-wrong-secret, model: \"" + CLAUDE + "\"}\n"
                + "  - {name: slow, provider: aws-slow, model: \"" + CLAUDE + "\"}\n"
                + "routes:\n"
                + "  - {model: claude, deployments: [sonnet], maxAttempts: 1}\n"
                + "  - {model: claude-retried, deployments: [sonnet, sonnet-b], maxAttempts: 2}\n"
                + "  - {model: claude-then-nova, deployments: [sonnet], fallbacks: [nova], maxAttempts: 2}\n"
                + "  - {model: nova, deployments: [nova], maxAttempts: 1}\n"
                + "  - {model: sonnet37, deployments: [sonnet37], maxAttempts: 1}\n"
                + "  - {model: titan, deployments: [titan], maxAttempts: 1}\n"
                + "  - {model: cohere, deployments: [cohere], maxAttempts: 1}\n"
                + "  - {model: forged, deployments: [forged], maxAttempts: 1}\n"
                + "  - {model: slow, deployments: [slow], maxAttempts: 1}\n"
                + "keys:\n  - {id: test, hash: " + TestGateway.hash(TestGateway.KEY) + ", tenant: acme/app/dev}\n",
                Map.of("AWS_SECRET", BedrockUpstream.SECRET_ACCESS_KEY));
    }

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
        bedrock.close();
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                .name("get_weather").description("Weather for a city")
                .parameters(FunctionParameters.builder().putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .build()).build()).build();
    }

    @Test
    void sdkChatIsSignedTranslatedToConverseAndBack() throws InterruptedException {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            ChatCompletion answer = sdk.api().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("claude").addSystemMessage("Be brief.").addUserMessage("Hello Bedrock")
                    .maxCompletionTokens(200).temperature(0.5).stop("END").build());

            assertEquals("Hello! You said: Hello Bedrock", answer.choices().get(0).message().content().orElseThrow());
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
            assertEquals(CLAUDE, answer.model());
            assertTrue(answer.usage().orElseThrow().promptTokens() > 0);
            assertEquals(5, answer.usage().orElseThrow().completionTokens());
        }
        RecordedRequest sent = bedrock.takeRequest(Duration.ofSeconds(2));
        assertEquals("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse", sent.uri());
        assertTrue(sent.header("authorization").startsWith("AWS4-HMAC-SHA256 Credential=" + BedrockUpstream.ACCESS_KEY_ID
                + "/"), sent.header("authorization"));
        assertTrue(sent.header("authorization").contains("/us-east-1/bedrock/aws4_request"));
        assertEquals(SESSION_TOKEN, sent.header("x-amz-security-token"));
        JsonNode body = sent.bodyJson();
        assertEquals("Be brief.", body.at("/system/0/text").asText());
        assertEquals("Hello Bedrock", body.at("/messages/0/content/0/text").asText());
        assertEquals(200, body.at("/inferenceConfig/maxTokens").asInt());
        assertEquals(0.5, body.at("/inferenceConfig/temperature").asDouble());
        assertEquals("END", body.at("/inferenceConfig/stopSequences/0").asText());
        assertFalse(body.has("model"), "the model id is in the path");
    }

    @Test
    void usageIsPricedFromTheBedrockPriceTable() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude", "What does this cost?", false));

            assertEquals(200, r.statusCode(), r.body());
            JsonNode usage = EndToEndSupport.parse(r.body()).get("usage");
            // anthropic.claude-3-5-sonnet-20240620-v1:0: $3 input, $15 output per million tokens.
            BigDecimal expected = BigDecimal.valueOf(usage.get("prompt_tokens").asLong() * 3L
                    + usage.get("completion_tokens").asLong() * 15L).movePointLeft(6);
            BigDecimal header = new BigDecimal(r.headers().firstValue("x-brokle-cost-usd").orElseThrow());
            assertEquals(0, expected.compareTo(header), "header " + header + " vs " + expected);
            assertEquals("aws", r.headers().firstValue("x-brokle-provider").orElseThrow());
        }
    }

    @Test
    void sdkStreamGetsTextThenAUsageChunkThenDone() {
        EndToEndSupport.StreamedChat read = EndToEndSupport.streamWithUsage(gw, "claude", "Stream to me please");
        assertEquals("Hello! You said: Stream to me please", read.text());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), read.finishReasons());
        assertEquals(1, read.usageChunks().size());
        assertEquals(7, read.usageChunks().getFirst().usage().orElseThrow().completionTokens());
        RecordedRequest sent = bedrock.requests().getFirst();
        assertEquals("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream", sent.uri());
        assertEquals("application/vnd.amazon.eventstream", sent.header("accept"));
    }

    @Test
    void aStreamWithoutUsageAskedEndsWithDoneAndNoUsageChunk() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude", "No usage for me", true));

            assertEquals(200, r.statusCode());
            assertEquals("text/event-stream", r.headers().firstValue("content-type").orElseThrow());
            List<String> data = EndToEndSupport.sseData(r.body());
            assertEquals("[DONE]", data.getLast());
            assertEquals("Hello! You said: No usage for me", EndToEndSupport.streamedContent(r.body()));
            assertTrue(data.stream().noneMatch(d -> d.contains("\"prompt_tokens\"")), r.body());
        }
    }

    @Test
    void streamedToolCallsAssembleWithTheirIdsAndNames() {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY);
             StreamResponse<ChatCompletionChunk> stream = sdk.api().chat().completions().createStreaming(
                     ChatCompletionCreateParams.builder().model("claude")
                             .addUserMessage("Please use the tool for Paris").addTool(weatherTool()).build())) {
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
            assertTrue(ids.getFirst().startsWith("tooluse_"), ids.toString());
            assertTrue(indexes.stream().allMatch(i -> i == 0), indexes.toString());
            assertEquals("mock", EndToEndSupport.parse(arguments.toString()).get("city").asText());
            assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS), finish);
        }
        JsonNode toolConfig = bedrock.requests().getFirst().bodyJson().get("toolConfig");
        assertEquals("get_weather", toolConfig.at("/tools/0/toolSpec/name").asText());
        assertEquals("object", toolConfig.at("/tools/0/toolSpec/inputSchema/json/type").asText());
    }

    @Test
    void aToolResultConversationGoesBackAsToolUseAndToolResultBlocks() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY, """
                    {"model":"claude","tools":[{"type":"function","function":{"name":"get_weather",
                      "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                     "messages":[{"role":"user","content":"Weather in Paris and Rome?"},
                      {"role":"assistant","content":null,"tool_calls":[
                        {"id":"tooluse_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                        {"id":"tooluse_2","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]},
                      {"role":"tool","tool_call_id":"tooluse_1","content":"sunny"},
                      {"role":"tool","tool_call_id":"tooluse_2","content":"rainy"}]}""");

            assertEquals(200, r.statusCode(), r.body());
        }
        JsonNode messages = bedrock.requests().getFirst().bodyJson().get("messages");
        assertEquals(3, messages.size(), "the two tool results share one user message: " + messages);
        assertEquals("tooluse_2", messages.at("/1/content/1/toolUse/toolUseId").asText());
        assertEquals("Rome", messages.at("/1/content/1/toolUse/input/city").asText());
        assertEquals("user", messages.at("/2/role").asText());
        assertEquals("tooluse_1", messages.at("/2/content/0/toolResult/toolUseId").asText());
        assertEquals("rainy", messages.at("/2/content/1/toolResult/content/0/text").asText());
    }

    @Test
    void reasoningEffortStreamsClaudesThinkingAsReasoningContentWithItsSignedBlock() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    "{\"model\":\"claude\",\"stream\":true,\"reasoning_effort\":\"low\","
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Think first\"}]}");

            assertEquals(200, r.statusCode(), r.body());
            StringBuilder reasoning = new StringBuilder();
            JsonNode thinkingBlock = null;
            for (String data : EndToEndSupport.sseData(r.body())) {
                if (data.equals("[DONE]")) {
                    continue;
                }
                JsonNode delta = EndToEndSupport.parse(data).at("/choices/0/delta");
                reasoning.append(delta.path("reasoning_content").asText(""));
                if (delta.has("thinking_blocks")) {
                    thinkingBlock = delta.at("/thinking_blocks/0");
                }
            }
            assertEquals("The user wrote \"Think first\". I will answer briefly.", reasoning.toString());
            assertNotNull(thinkingBlock, r.body());
            assertEquals(reasoning.toString(), thinkingBlock.get("thinking").asText());
            assertFalse(thinkingBlock.get("signature").asText().isEmpty());
            assertEquals("Hello! You said: Think first", EndToEndSupport.streamedContent(r.body()));
        }
        JsonNode sent = bedrock.requests().getFirst().bodyJson();
        assertEquals(1024, sent.at("/additionalModelRequestFields/thinking/budget_tokens").asInt());
    }

    @Test
    void cacheMarkersWriteThenReadTheCacheAndTheWriteIsPricedAtItsRate() {
        String request = "{\"model\":\"sonnet37\",\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"" + "A long and stable system prompt. ".repeat(20) + "\",\"cache_control\":{\"type\":\"ephemeral\"}}]},"
                + "{\"role\":\"user\",\"content\":\"Hi\"}]}";
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> first = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY, request);
            HttpResponse<String> second = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY, request);

            JsonNode written = EndToEndSupport.parse(first.body()).at("/usage/prompt_tokens_details");
            JsonNode read = EndToEndSupport.parse(second.body()).at("/usage/prompt_tokens_details");
            assertTrue(written.get("cache_creation_tokens").asLong() > 0, first.body());
            assertEquals(0, written.get("cached_tokens").asLong());
            assertEquals(written.get("cache_creation_tokens").asLong(), read.get("cached_tokens").asLong(), second.body());
            // anthropic.claude-3-7-sonnet: $3 input, $3.75 cache writes, $0.30 cache reads, $15 output per million.
            assertEquals(0, expectedCost(first.body()).compareTo(
                    new BigDecimal(first.headers().firstValue("x-brokle-cost-usd").orElseThrow())), first.body());
            assertEquals(0, expectedCost(second.body()).compareTo(
                    new BigDecimal(second.headers().firstValue("x-brokle-cost-usd").orElseThrow())), second.body());
        }
        assertEquals("default", bedrock.requests().getFirst().bodyJson().at("/system/1/cachePoint/type").asText());
    }

    private static BigDecimal expectedCost(String answer) {
        JsonNode usage = EndToEndSupport.parse(answer).get("usage");
        long read = usage.at("/prompt_tokens_details/cached_tokens").asLong();
        long written = usage.at("/prompt_tokens_details/cache_creation_tokens").asLong();
        long input = usage.get("prompt_tokens").asLong() - read - written;
        return new BigDecimal("3").multiply(BigDecimal.valueOf(input))
                .add(new BigDecimal("3.75").multiply(BigDecimal.valueOf(written)))
                .add(new BigDecimal("0.30").multiply(BigDecimal.valueOf(read)))
                .add(new BigDecimal("15").multiply(BigDecimal.valueOf(usage.get("completion_tokens").asLong())))
                .movePointLeft(6);
    }

    @Test
    void aBase64ImageGoesAsBytesWithItsFormat() {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            ChatCompletion answer = sdk.api().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("claude").addUserMessageOfArrayOfContentParts(List.of(
                            ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                                    .text("What is this?").build()),
                            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                    .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                            .url("data:image/png;base64," + PNG_BASE64).build()).build())))
                    .build());

            int bytes = Base64.getDecoder().decode(PNG_BASE64).length;
            assertEquals("Hello! You said: What is this? [png image, " + bytes + " bytes]",
                    answer.choices().get(0).message().content().orElseThrow());
        }
        JsonNode image = bedrock.requests().getFirst().bodyJson().at("/messages/0/content/1/image");
        assertEquals("png", image.get("format").asText());
        assertEquals(PNG_BASE64, image.at("/source/bytes").asText());
    }

    @Test
    void anImageUrlIsAClearBadRequestAndNothingIsSent() {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            BadRequestException e = assertThrows(BadRequestException.class, () -> sdk.api().chat().completions().create(
                    ChatCompletionCreateParams.builder().model("claude").addUserMessageOfArrayOfContentParts(List.of(
                            ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                    .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                            .url("https://example.com/cat.png").build()).build()))).build()));

            assertTrue(e.getMessage().contains("does not fetch URLs"), e.getMessage());
            assertTrue(bedrock.requests().isEmpty(), "nothing reached the provider");
        }
    }

    @Test
    void jsonModeIsAnsweredThroughAForcedTool() {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            ChatCompletion answer = sdk.api().chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("claude").addUserMessage("Give me JSON")
                    .responseFormat(ResponseFormatJsonObject.builder().build()).build());

            assertEquals("{}", answer.choices().get(0).message().content().orElseThrow());
            assertTrue(answer.choices().get(0).message().toolCalls().orElse(List.of()).isEmpty());
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, answer.choices().get(0).finishReason());
        }
        JsonNode toolConfig = bedrock.requests().getFirst().bodyJson().get("toolConfig");
        assertEquals("json_object", toolConfig.at("/toolChoice/tool/name").asText());
        assertEquals("json_object", toolConfig.at("/tools/0/toolSpec/name").asText());
    }

    @Test
    void parametersConverseCannotTakeAreNamedInAResponseHeader() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    "{\"model\":\"claude\",\"seed\":7,\"presence_penalty\":0.5,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("seed, presence_penalty", r.headers().firstValue("x-brokle-dropped-params").orElseThrow());
        }
    }

    @Test
    void titanEmbeddingsInTheSdksDefaultEncoding() {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            CreateEmbeddingResponse response = sdk.api().embeddings().create(EmbeddingCreateParams.builder()
                    .model("titan").input("the quick brown fox").dimensions(256).build());

            assertEquals(256, response.data().getFirst().embedding().size());
            assertEquals(4, response.usage().promptTokens());
        }
        RecordedRequest sent = bedrock.requests().getFirst();
        assertEquals("/model/amazon.titan-embed-text-v2%3A0/invoke", sent.uri());
        assertEquals("the quick brown fox", sent.bodyJson().get("inputText").asText());
        assertEquals(256, sent.bodyJson().get("dimensions").asInt());
    }

    @Test
    void cohereEmbeddingsTakeSeveralTextsAtOnceAndTitanRefusesThem() {
        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            CreateEmbeddingResponse response = sdk.api().embeddings().create(EmbeddingCreateParams.builder()
                    .model("cohere").inputOfArrayOfStrings(List.of("one", "two"))
                    .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT).build());
            assertEquals(2, response.data().size());
            assertEquals(1, response.data().get(1).index());
            assertEquals(1024, response.data().get(1).embedding().size());

            BadRequestException e = assertThrows(BadRequestException.class, () -> sdk.api().embeddings().create(
                    EmbeddingCreateParams.builder().model("titan").inputOfArrayOfStrings(List.of("one", "two")).build()));
            assertTrue(e.getMessage().contains("one text per request"), e.getMessage());
        }
        assertEquals(1, bedrock.requests().size(), "the refused request never reached the provider");
        assertEquals("search_document", bedrock.requests().getFirst().bodyJson().get("input_type").asText());
    }

    /** A throttled deployment is parked, so the retry goes to the route's other deployment. */
    @Test
    void throttlingIsRetried() {
        bedrock.throttleNext();
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude-retried", "Retry me", false));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("2", r.headers().firstValue("x-brokle-attempts").orElseThrow());
        }
        assertEquals(2, bedrock.requests().size());
    }

    @Test
    void throttlingWithoutRetriesIsAnOpenAiRateLimit() {
        bedrock.throttleNext();
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude", "Too fast", false));

            assertEquals(429, r.statusCode(), r.body());
            JsonNode error = EndToEndSupport.assertOpenAiError(r.body(), "rate_limit_exceeded");
            assertEquals("rate_limit_error", error.get("type").asText());
        }
    }

    @Test
    void inputTooLongFallsBackToTheNextRoute() {
        bedrock.failNext(400, "ValidationException", "Input is too long for requested model.");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude-then-nova", "A very long prompt", false));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("nova", r.headers().firstValue("x-brokle-deployment").orElseThrow());
        }
        assertEquals("/model/amazon.nova-pro-v1%3A0/converse", bedrock.requests().get(1).uri());
    }

    @Test
    void aBadSignatureIsRefusedByBedrockAndReportedAsAnAuthenticationError() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("forged", "Hi", false));

            assertEquals(401, r.statusCode(), r.body());
            JsonNode error = EndToEndSupport.assertOpenAiError(r.body(), "invalid_api_key");
            assertTrue(error.get("message").asText().contains("signature we calculated does not match"), r.body());
            assertFalse(r.body().contains("not-the-secret"));
        }
    }

    @Test
    void anExceptionFrameMidStreamEndsItWithOneErrorAndNoDone() {
        bedrock.exceptionNextAfterEvents(3, "throttlingException", "Too many tokens, please wait.");
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude", "Stream then fail", true));

            assertEquals(200, r.statusCode());
            List<String> errors = EndToEndSupport.sseData(r.body()).stream().filter(d -> d.startsWith("{\"error\"")).toList();
            assertEquals(1, errors.size(), "exactly one terminal error event: " + r.body());
            assertEquals("rate_limit_exceeded", EndToEndSupport.parse(errors.getFirst()).at("/error/code").asText());
            assertTrue(errors.getFirst().contains("Too many tokens"), errors.getFirst());
            assertFalse(r.body().contains("[DONE]"), r.body());
            assertFalse(EndToEndSupport.streamedContent(r.body()).isEmpty(), "the first events were relayed");
        }
    }

    @Test
    void aCorruptFrameEndsTheStreamAsMalformed() {
        bedrock.corruptNextAfterEvents(2);
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude", "Stream then break", true));

            List<String> data = EndToEndSupport.sseData(r.body());
            assertEquals("upstream_malformed", EndToEndSupport.parse(data.getLast()).at("/error/code").asText(), r.body());
            assertFalse(r.body().contains("[DONE]"), r.body());
        }
    }

    @Test
    void aStreamCutMidwayEndsAsTruncated() {
        bedrock.dropNextAfterEvents(3);
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("claude", "Stream then drop", true));

            List<String> data = EndToEndSupport.sseData(r.body());
            assertEquals("upstream_truncated", EndToEndSupport.parse(data.getLast()).at("/error/code").asText(), r.body());
            assertFalse(r.body().contains("[DONE]"), r.body());
        }
    }

    @Test
    void aSlowFirstByteTimesOut() {
        bedrock.slowFirstByteNext(Duration.ofSeconds(3));
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("slow", "Take your time", false));

            assertEquals(504, r.statusCode(), r.body());
            EndToEndSupport.assertOpenAiError(r.body(), "upstream_timeout");
        }
    }

    @Test
    void legacyCompletionsAreRefused() {
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/completions", TestGateway.KEY,
                    "{\"model\":\"claude\",\"prompt\":\"hi\"}");
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("does not offer /v1/completions"), r.body());
            assertTrue(bedrock.requests().isEmpty(), "nothing reached Bedrock");
        }
    }
}
