package io.brokle.proxy.adapt.cohere;

import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static io.brokle.proxy.testing.TestJson.reparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.adapt.TranslationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CohereToOpenAiChatTest {
    private static JsonNode translate(String cohereAnswer) throws TranslationException {
        return reparsed(CohereToOpenAiChat.translate(obj(cohereAnswer), "command-a-03-2025", 1_700_000_000L));
    }

    @Test
    void aTextAnswerIsAChatCompletionWithBilledUsage() throws Exception {
        JsonNode answer = translate("""
                {"id":"c14c80c3-18eb-4519-9460-6c92edd8cfb4","finish_reason":"COMPLETE",
                 "message":{"role":"assistant","content":[{"type":"text","text":"Hello"},{"type":"text","text":" there"}]},
                 "usage":{"billed_units":{"input_tokens":5,"output_tokens":2},"tokens":{"input_tokens":71,"output_tokens":2}}}""");

        assertEquals(parse("""
                {"id":"c14c80c3-18eb-4519-9460-6c92edd8cfb4","object":"chat.completion","created":1700000000,
                 "model":"command-a-03-2025",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there","refusal":null},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}"""), answer);
    }

    @Test
    void withoutBilledUnitsTheTokensPairCounts() throws Exception {
        JsonNode usage = translate("""
                {"id":"x","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":"Hi"}]},
                 "usage":{"tokens":{"input_tokens":71,"output_tokens":2}}}""").get("usage");

        assertEquals(71, usage.get("prompt_tokens").asInt());
        assertEquals(73, usage.get("total_tokens").asInt());
    }

    @Test
    void toolCallsKeepTheirIdsNamesAndArgumentsAndThePlanIsReasoning() throws Exception {
        JsonNode message = translate("""
                {"id":"x","finish_reason":"TOOL_CALL",
                 "message":{"role":"assistant","tool_plan":"I will look up the weather.",
                  "tool_calls":[{"id":"get_weather_1byjy32y4hvq","type":"function",
                                 "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Toronto\\"}"}}]},
                 "usage":{"billed_units":{"input_tokens":37,"output_tokens":28}}}""").get("choices").get(0);

        assertEquals("tool_calls", message.get("finish_reason").asText());
        JsonNode m = message.get("message");
        assertTrue(m.get("content").isNull(), "no text: content is null, as OpenAI answers tool calls");
        assertEquals("I will look up the weather.", m.get("reasoning_content").asText());
        assertEquals("I will look up the weather.", m.get("tool_plan").asText());
        assertEquals(parse("""
                [{"id":"get_weather_1byjy32y4hvq","type":"function",
                  "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Toronto\\"}"}}]"""), m.get("tool_calls"));
    }

    @Test
    void thinkingIsReasoningContent() throws Exception {
        JsonNode m = translate("""
                {"id":"x","finish_reason":"COMPLETE","message":{"role":"assistant","content":[
                   {"type":"thinking","thinking":"Alice has 2 sisters."},{"type":"text","text":"Three."}]}}""")
                .get("choices").get(0).get("message");

        assertEquals("Three.", m.get("content").asText());
        assertEquals("Alice has 2 sisters.", m.get("reasoning_content").asText());
        assertFalse(m.has("tool_plan"));
    }

    @ParameterizedTest
    @CsvSource({"COMPLETE, stop", "STOP_SEQUENCE, stop", "MAX_TOKENS, length", "TOOL_CALL, tool_calls",
            "SOMETHING_NEW, stop"})
    void finishReasonsBecomeOpenAis(String cohere, String openAi) throws Exception {
        assertEquals(openAi, translate("{\"id\":\"x\",\"finish_reason\":\"" + cohere
                + "\",\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"a\"}]}}")
                .get("choices").get(0).get("finish_reason").asText());
    }

    @ParameterizedTest
    @CsvSource({"ERROR", "TIMEOUT"})
    void anAnswerThatReportsAFailureIsA502NotACleanAnswer(String reason) {
        TranslationException e = assertThrows(TranslationException.class, () -> translate("{\"id\":\"x\","
                + "\"finish_reason\":\"" + reason + "\",\"message\":{\"role\":\"assistant\",\"content\":[]}}"));

        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void aBodyThatIsNotACohereAnswerIsA502() {
        assertEquals(502, assertThrows(TranslationException.class, () -> translate("{\"text\":\"v1 answer\"}")).status());
    }
}
