package io.brokle.proxy.adapt.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslatedError;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.adapt.anthropic.ReplyOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Converse answers, streamed answers, errors and embeddings in OpenAI's format. */
class ConverseAnswersTest {
    private static final ReplyOptions WITH_USAGE = new ReplyOptions(null, true);

    @Test
    void aWholeAnswerWithReasoningTextAndToolCalls() throws TranslationException {
        JsonNode answer = Json.parseOrNull("""
                {"output":{"message":{"role":"assistant","content":[
                  {"reasoningContent":{"reasoningText":{"text":"Check the weather.","signature":"c2ln"}}},
                  {"text":"Let me look."},
                  {"toolUse":{"toolUseId":"tooluse_abc","name":"get_weather","input":{"city":"Paris"}}}]}},
                 "stopReason":"tool_use",
                 "usage":{"inputTokens":10,"outputTokens":20,"totalTokens":60,"cacheReadInputTokens":25,"cacheWriteInputTokens":5},
                 "metrics":{"latencyMs":100}}""");

        JsonNode out = ConverseToOpenAiResponse.translate(answer, ReplyOptions.PLAIN, "chatcmpl-1", "m", 7);

        JsonNode message = out.at("/choices/0/message");
        assertEquals("Let me look.", message.get("content").asText());
        assertEquals(Json.parseOrNull("""
                [{"id":"tooluse_abc","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]"""),
                message.get("tool_calls"));
        assertEquals("Check the weather.", message.get("reasoning_content").asText());
        assertEquals("c2ln", message.at("/thinking_blocks/0/signature").asText());
        assertEquals("tool_calls", out.at("/choices/0/finish_reason").asText());
        assertEquals(Json.parseOrNull("""
                {"prompt_tokens":40,"completion_tokens":20,"total_tokens":60,
                 "prompt_tokens_details":{"cached_tokens":25,"cache_creation_tokens":5}}""").toString(),
                out.get("usage").toString());
        assertEquals("chatcmpl-1", out.get("id").asText());
        assertEquals("m", out.get("model").asText());
    }

    @Test
    void stopReasonsBecomeFinishReasons() {
        assertEquals("stop", ConverseToOpenAiResponse.finishReason("end_turn", false));
        assertEquals("stop", ConverseToOpenAiResponse.finishReason("stop_sequence", false));
        assertEquals("length", ConverseToOpenAiResponse.finishReason("max_tokens", false));
        assertEquals("tool_calls", ConverseToOpenAiResponse.finishReason("tool_use", false));
        assertEquals("stop", ConverseToOpenAiResponse.finishReason("tool_use", true));
        assertEquals("content_filter", ConverseToOpenAiResponse.finishReason("guardrail_intervened", false));
        assertEquals("content_filter", ConverseToOpenAiResponse.finishReason("content_filtered", false));
    }

    @Test
    void theJsonToolsInputIsTheContent() throws TranslationException {
        JsonNode out = ConverseToOpenAiResponse.translate(Json.parseOrNull("""
                {"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"t","name":"json_object",
                  "input":{"a":1}}}]}},"stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":1}}"""),
                new ReplyOptions("json_object", false), "id", "m", 0);

        assertEquals("{\"a\":1}", out.at("/choices/0/message/content").asText());
        assertFalse(out.at("/choices/0/message").has("tool_calls"));
        assertEquals("stop", out.at("/choices/0/finish_reason").asText());
    }

    @Test
    void anAnswerThatIsNotConverseIsA502() {
        TranslationException e = assertThrows(TranslationException.class,
                () -> ConverseToOpenAiResponse.translate(Json.parseOrNull("{\"message\":\"hi\"}"), ReplyOptions.PLAIN, "i", "m", 0));
        assertEquals(502, e.status());
    }

    private static EventStreamMessage event(String type, String json) {
        return new EventStreamMessage(Map.of(":message-type", "event", ":event-type", type), json);
    }

    private static List<JsonNode> feed(ConverseStreamToOpenAi stream, EventStreamMessage... messages) {
        List<JsonNode> out = new ArrayList<>();
        for (EventStreamMessage message : messages) {
            stream.feed(message).forEach(chunk -> out.add(Json.parseOrNull(chunk)));
        }
        return out;
    }

    @Test
    void aStreamBecomesRoleTextToolCallFinishAndUsageChunks() {
        ConverseStreamToOpenAi stream = new ConverseStreamToOpenAi(WITH_USAGE, "chatcmpl-9", "m", 5);
        List<JsonNode> chunks = feed(stream,
                event("messageStart", "{\"role\":\"assistant\",\"p\":\"abc\"}"),
                event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"Hm.\"}}}"),
                event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"signature\":\"c2ln\"}}}"),
                event("contentBlockStop", "{\"contentBlockIndex\":0}"),
                event("contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\"Checking\"}}"),
                event("contentBlockStop", "{\"contentBlockIndex\":1}"),
                event("contentBlockStart", "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":{\"toolUseId\":\"tu_1\",\"name\":\"get_weather\"}}}"),
                event("contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}}}"),
                event("contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"\\\"Paris\\\"}\"}}}"),
                event("contentBlockStop", "{\"contentBlockIndex\":2}"),
                event("messageStop", "{\"stopReason\":\"tool_use\"}"));
        assertFalse(stream.completed(), "not whole before metadata");
        chunks.addAll(feed(stream, event("metadata",
                "{\"usage\":{\"inputTokens\":3,\"outputTokens\":9,\"totalTokens\":12},\"metrics\":{\"latencyMs\":5}}")));

        assertTrue(stream.completed());
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText());
        assertEquals("Hm.", chunks.get(1).at("/choices/0/delta/reasoning_content").asText());
        assertEquals(Json.parseOrNull("[{\"type\":\"thinking\",\"thinking\":\"Hm.\",\"signature\":\"c2ln\"}]"),
                chunks.get(2).at("/choices/0/delta/thinking_blocks"));
        assertEquals("Checking", chunks.get(3).at("/choices/0/delta/content").asText());
        JsonNode header = chunks.get(4).at("/choices/0/delta/tool_calls/0");
        assertEquals(Json.parseOrNull("{\"index\":0,\"id\":\"tu_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}"),
                header);
        assertEquals("{\"city\":\"Paris\"}", chunks.get(5).at("/choices/0/delta/tool_calls/0/function/arguments").asText()
                + chunks.get(6).at("/choices/0/delta/tool_calls/0/function/arguments").asText());
        assertEquals("tool_calls", chunks.get(7).at("/choices/0/finish_reason").asText());
        assertTrue(chunks.get(8).get("choices").isEmpty());
        assertEquals(12, chunks.get(8).at("/usage/total_tokens").asInt());
        assertEquals(9, chunks.size());
        assertTrue(chunks.subList(0, 8).stream().allMatch(c -> c.get("usage").isNull()));
        assertTrue(chunks.stream().allMatch(c -> "chatcmpl-9".equals(c.get("id").asText())));
    }

    @Test
    void anExceptionFrameIsTheTerminalErrorAndNothingFollows() {
        ConverseStreamToOpenAi stream = new ConverseStreamToOpenAi(WITH_USAGE, "id", "m", 0);
        feed(stream, event("messageStart", "{\"role\":\"assistant\"}"));

        List<String> out = stream.feed(new EventStreamMessage(Map.of(":message-type", "exception",
                ":exception-type", "modelStreamErrorException"), "{\"message\":\"The model broke.\"}"));

        assertTrue(stream.failed());
        assertEquals(Json.parseOrNull("{\"error\":{\"message\":\"The model broke.\",\"type\":\"upstream_error\","
                + "\"param\":null,\"code\":\"model_error\"}}"), Json.parseOrNull(out.getFirst()));
        assertTrue(stream.feed(event("messageStop", "{\"stopReason\":\"end_turn\"}")).isEmpty());
    }

    @Test
    void bedrockErrorsAreNamedByTheirHeader() {
        assertError(BedrockErrors.toOpenAi(400, "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                "{\"message\":\"Malformed input request\"}"), 400, "invalid_request_error", null);
        assertError(BedrockErrors.toOpenAi(400, "ValidationException", "{\"message\":\"Input is too long for requested model.\"}"),
                400, "invalid_request_error", "context_length_exceeded");
        assertError(BedrockErrors.toOpenAi(403, "AccessDeniedException", "{\"message\":\"no access\"}"),
                403, "permission_error", "permission_denied");
        assertError(BedrockErrors.toOpenAi(403, "InvalidSignatureException", "{\"message\":\"bad sig\"}"),
                401, "authentication_error", "invalid_api_key");
        assertError(BedrockErrors.toOpenAi(429, "ThrottlingException", "{\"message\":\"slow down\"}"),
                429, "rate_limit_error", "rate_limit_exceeded");
        assertError(BedrockErrors.toOpenAi(400, "ServiceQuotaExceededException", "{\"message\":\"quota\"}"),
                429, "insufficient_quota", "insufficient_quota");
        assertError(BedrockErrors.toOpenAi(408, "ModelTimeoutException", "{\"message\":\"slow\"}"),
                504, "timeout_error", "upstream_timeout");
        assertError(BedrockErrors.toOpenAi(424, "ModelErrorException", "{\"message\":\"broke\"}"),
                502, "upstream_error", "model_error");
        assertError(BedrockErrors.toOpenAi(503, "ServiceUnavailableException", "{\"message\":\"down\"}"),
                503, "overloaded_error", "overloaded");
        assertError(BedrockErrors.toOpenAi(404, "ResourceNotFoundException", "{\"message\":\"no model\"}"),
                404, "invalid_request_error", "model_not_found");
    }

    @Test
    void withoutAHeaderTheBodyTypeOrTheStatusDecides() {
        assertError(BedrockErrors.toOpenAi(400, null, "{\"__type\":\"com.amazon.coral#ThrottlingException\",\"message\":\"x\"}"),
                429, "rate_limit_error", "rate_limit_exceeded");
        assertError(BedrockErrors.toOpenAi(429, null, "{\"message\":\"x\"}"), 429, "rate_limit_error", "rate_limit_exceeded");
        assertError(BedrockErrors.toOpenAi(500, null, "{\"Message\":\"x\"}"), 500, "server_error", null);
        assertError(BedrockErrors.toOpenAi(418, "TeapotException", "{\"message\":\"x\"}"), 418, "upstream_error", "TeapotException");
        assertError(BedrockErrors.toOpenAi(502, null, "<html>Bad Gateway</html>"), 502, "upstream_error", "upstream_malformed");
    }

    private static void assertError(TranslatedError error, int status, String type, String code) {
        assertEquals(status, error.status(), error.json());
        assertEquals(type, error.body().at("/error/type").asText(), error.json());
        assertEquals(code == null ? null : code, error.body().at("/error/code").isNull() ? null
                : error.body().at("/error/code").asText(), error.json());
    }

    @Test
    void titanEmbeddingsOneTextAtATimeWithDimensions() throws TranslationException {
        BedrockEmbeddings.Request request = BedrockEmbeddings.translate(Json.parseOrNull(
                "{\"model\":\"e\",\"input\":[\"fox\"],\"dimensions\":256,\"user\":\"u\"}"), "amazon.titan-embed-text-v2:0");
        assertEquals(Json.parseOrNull("{\"inputText\":\"fox\",\"dimensions\":256,\"normalize\":true}"), request.body());
        assertEquals(List.of("user"), request.droppedParams());

        assertEquals("dimensions", assertThrows(TranslationException.class, () -> BedrockEmbeddings.translate(
                Json.parseOrNull("{\"input\":\"fox\",\"dimensions\":300}"), "amazon.titan-embed-text-v2:0")).param());
        assertEquals(List.of("dimensions"), BedrockEmbeddings.translate(Json.parseOrNull(
                "{\"input\":\"fox\",\"dimensions\":256}"), "amazon.titan-embed-text-v1").droppedParams());
        assertEquals("input", assertThrows(TranslationException.class, () -> BedrockEmbeddings.translate(
                Json.parseOrNull("{\"input\":[\"a\",\"b\"]}"), "amazon.titan-embed-text-v2:0")).param());
        assertEquals("input", assertThrows(TranslationException.class, () -> BedrockEmbeddings.translate(
                Json.parseOrNull("{\"input\":[[1,2]]}"), "cohere.embed-english-v3")).param());
        assertEquals("model", assertThrows(TranslationException.class, () -> BedrockEmbeddings.translate(
                Json.parseOrNull("{\"input\":\"x\"}"), "amazon.nova-pro-v1:0")).param());
    }

    @Test
    void embeddingAnswersInFloatsOrBase64() throws TranslationException {
        JsonNode titan = BedrockEmbeddings.answer(Json.parseOrNull("{\"embedding\":[0.5,-1.0],\"inputTextTokenCount\":3}"),
                "amazon.titan-embed-text-v2:0", false);
        assertEquals(Json.parseOrNull("""
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.5,-1.0]}],
                 "model":"amazon.titan-embed-text-v2:0","usage":{"prompt_tokens":3,"total_tokens":3}}""").toString(),
                titan.toString());

        JsonNode cohere = BedrockEmbeddings.answer(Json.parseOrNull("{\"embeddings\":[[1.0],[0.25,2.0]]}"),
                "cohere.embed-english-v3", true);
        assertFalse(cohere.has("usage"), "Cohere on Bedrock reports no tokens");
        ByteBuffer floats = ByteBuffer.wrap(Base64.getDecoder().decode(cohere.at("/data/1/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0.25f, floats.getFloat());
        assertEquals(2.0f, floats.getFloat());
        assertEquals(1, cohere.at("/data/1/index").asInt());
    }
}
