package io.brokle.proxy.adapt.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.TranslationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiToOpenAiResponseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode translate(String gemini) throws TranslationException {
        ObjectNode out = GeminiToOpenAiResponse.translate(parse(gemini), "gemini-2.5-flash", 1700000000L);
        return parse(out.toString());
    }

    @Test
    void textThoughtsAndUsageBecomeAChatCompletion() throws Exception {
        JsonNode out = translate("""
                {"candidates":[{"content":{"role":"model","parts":[
                   {"text":"Let me think.","thought":true},{"text":"Hello"},{"text":" there"}]},
                   "finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20,"thoughtsTokenCount":30,
                   "cachedContentTokenCount":60,"totalTokenCount":150},
                 "modelVersion":"gemini-2.5-flash-001","responseId":"abc"}""");

        assertEquals(parse("""
                {"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"gemini-2.5-flash-001",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there","refusal":null,
                   "reasoning_content":"Let me think."},"logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150,
                   "prompt_tokens_details":{"cached_tokens":60},"completion_tokens_details":{"reasoning_tokens":30}}}"""), out);
    }

    @Test
    void functionCallsBecomeToolCallsWithStableIdsAndTheirThoughtSignature() throws Exception {
        String answer = """
                {"candidates":[{"content":{"role":"model","parts":[
                   {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"},
                   {"functionCall":{"id":"given-7","name":"now"}}]},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5},"responseId":"r1"}""";
        JsonNode message = translate(answer).at("/choices/0/message");

        assertEquals(parse("""
                {"role":"assistant","content":null,"refusal":null,"tool_calls":[
                  {"id":"%s","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                   "extra_content":{"google":{"thought_signature":"c2ln"}}},
                  {"id":"given-7","type":"function","function":{"name":"now","arguments":"{}"}}]}"""
                .formatted(ToolCallIds.of(null, "r1", 0, 0))), message);
        assertTrue(message.at("/tool_calls/0/id").asText().matches("call_[0-9a-f]{24}"));
        assertEquals(message, translate(answer).at("/choices/0/message"), "the same answer gets the same ids");
        assertEquals("tool_calls", translate(answer).at("/choices/0/finish_reason").asText());
        assertEquals(15, translate(answer).at("/usage/total_tokens").asLong(), "the sum when Gemini sends no total");
    }

    @ParameterizedTest
    @CsvSource({"STOP, stop", "MAX_TOKENS, length", "SAFETY, content_filter", "RECITATION, content_filter",
            "PROHIBITED_CONTENT, content_filter", "BLOCKLIST, content_filter", "SPII, content_filter",
            "OTHER, stop", "MALFORMED_FUNCTION_CALL, stop", "FINISH_REASON_UNSPECIFIED, stop"})
    void finishReasonsTranslate(String gemini, String openAi) throws Exception {
        assertEquals(openAi, translate("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"finishReason\":\""
                + gemini + "\"}],\"responseId\":\"r\"}").at("/choices/0/finish_reason").asText());
    }

    @Test
    void eachCandidateIsAChoiceAndASafetyStopWithoutContentIsAnEmptyFilteredAnswer() throws Exception {
        JsonNode out = translate("""
                {"candidates":[{"content":{"parts":[{"text":"one"}]},"finishReason":"STOP","index":0},
                               {"finishReason":"SAFETY","index":1}],"responseId":"r"}""");

        assertEquals("one", out.at("/choices/0/message/content").asText());
        assertEquals(1, out.at("/choices/1/index").asInt());
        assertEquals("", out.at("/choices/1/message/content").asText());
        assertEquals("content_filter", out.at("/choices/1/finish_reason").asText());
        assertFalse(out.has("usage"), "no counts from Gemini: no usage, rather than zeros");
    }

    @Test
    void aBlockedPromptIsAContentPolicyErrorAndAnAnswerWithoutCandidatesIsMalformed() {
        TranslationException blocked = assertThrows(TranslationException.class, () -> translate("""
                {"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":5}}"""));
        assertEquals(400, blocked.status());
        assertEquals("content_policy_violation", blocked.code());
        assertTrue(blocked.getMessage().contains("SAFETY"), blocked.getMessage());

        TranslationException empty = assertThrows(TranslationException.class, () -> translate("{\"candidates\":[]}"));
        assertEquals(502, empty.status());
        assertEquals(502, assertThrows(TranslationException.class, () -> translate("[1,2]")).status());
    }
}
