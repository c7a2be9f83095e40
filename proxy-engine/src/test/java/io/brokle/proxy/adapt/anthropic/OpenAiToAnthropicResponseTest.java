package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.TranslationException;
import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static io.brokle.proxy.testing.TestJson.reparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiToAnthropicResponseTest {

    @Test
    void textAndToolCallsBecomeBlocksAndCachedTokensAreReads() throws Exception {
        JsonNode message = OpenAiToAnthropicResponse.translate(obj("""
                {"id":"chatcmpl-123","object":"chat.completion","created":1,"model":"gpt-4o-2024-08-06",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","refusal":null,
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                   "logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":1200,"completion_tokens":20,"total_tokens":1220,
                   "prompt_tokens_details":{"cached_tokens":1024}}}"""));

        assertEquals(parse("""
                {"id":"chatcmpl-123","type":"message","role":"assistant","model":"gpt-4o-2024-08-06",
                 "content":[{"type":"text","text":"Let me check."},
                            {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":176,"cache_creation_input_tokens":0,"cache_read_input_tokens":1024,"output_tokens":20}}"""),
                reparsed(message));
    }

    @Test
    void reasoningContentBecomesAThinkingBlockFirst() throws Exception {
        JsonNode content = OpenAiToAnthropicResponse.translate(obj("""
                {"id":"x","model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant",
                  "content":"9.9","reasoning_content":"Compare decimals."},"finish_reason":"stop"}]}""")).get("content");

        assertEquals(parse("""
                [{"type":"thinking","thinking":"Compare decimals.","signature":""},{"type":"text","text":"9.9"}]"""),
                content);
    }

    @ParameterizedTest
    @CsvSource({"stop, end_turn", "length, max_tokens", "tool_calls, tool_use", "function_call, tool_use",
            "content_filter, refusal"})
    void finishReasonsBecomeStopReasons(String finishReason, String stopReason) throws Exception {
        JsonNode message = OpenAiToAnthropicResponse.translate(obj("""
                {"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a"},
                  "finish_reason":"%s"}]}""".formatted(finishReason)));

        assertEquals(stopReason, message.get("stop_reason").asText());
    }

    @Test
    void aRefusalIsTextWithStopReasonRefusal() throws Exception {
        JsonNode message = OpenAiToAnthropicResponse.translate(obj("""
                {"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,
                  "refusal":"I can't help with that."},"finish_reason":"stop"}]}"""));

        assertEquals(parse("[{\"type\":\"text\",\"text\":\"I can't help with that.\"}]"), message.get("content"));
        assertEquals("refusal", message.get("stop_reason").asText());
    }

    @Test
    void toolArgumentsThatAreNotAJsonObjectAre502() {
        TranslationException e = assertThrows(TranslationException.class, () -> OpenAiToAnthropicResponse.translate(obj("""
                {"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,
                  "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\\"a\\":"}}]},
                  "finish_reason":"tool_calls"}]}""")));

        assertEquals(502, e.status());
        assertEquals(502, assertThrows(TranslationException.class,
                () -> OpenAiToAnthropicResponse.translate(obj("{\"choices\":[]}"))).status());
    }
}
