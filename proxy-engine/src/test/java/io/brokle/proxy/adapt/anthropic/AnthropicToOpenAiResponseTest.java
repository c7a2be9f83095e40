package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.TranslationException;
import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static io.brokle.proxy.testing.TestJson.reparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicToOpenAiResponseTest {
    private static final long CREATED = 1_700_000_000L;

    private static JsonNode translate(String message) throws TranslationException {
        return AnthropicToOpenAiResponse.translate(obj(message), ReplyOptions.PLAIN, CREATED);
    }

    @Test
    void aTextAnswerBecomesAChatCompletionWithTheSameIdAndModel() throws Exception {
        JsonNode out = translate("""
                {"id":"msg_01XF","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
                 "content":[{"type":"text","text":"Hello"},{"type":"text","text":", world."}],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":10,"output_tokens":5}}""");

        assertEquals(parse("""
                {"id":"msg_01XF","object":"chat.completion","created":1700000000,"model":"claude-sonnet-4-5-20250929",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello, world.","refusal":null},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,
                          "prompt_tokens_details":{"cached_tokens":0,"cache_creation_tokens":0}}}"""), reparsed(out));
    }

    @Test
    void toolUseBlocksBecomeToolCallsWithArgumentsAsAJsonString() throws Exception {
        JsonNode message = translate("""
                {"id":"msg_1","type":"message","role":"assistant","model":"c",
                 "content":[{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"location":"Paris","days":[1,2]}},
                            {"type":"tool_use","id":"toolu_01B","name":"now","input":{}}],
                 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}""")
                .get("choices").get(0).get("message");

        assertTrue(message.get("content").isNull(), "no text with tool calls: content is null");
        assertEquals(parse("""
                [{"id":"toolu_01A","type":"function","function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\",\\"days\\":[1,2]}"}},
                 {"id":"toolu_01B","type":"function","function":{"name":"now","arguments":"{}"}}]"""),
                message.get("tool_calls"));
        assertEquals(parse("{\"location\":\"Paris\",\"days\":[1,2]}"),
                parse(message.get("tool_calls").get(0).get("function").get("arguments").asText()));
    }

    @Test
    void thinkingBecomesReasoningContentAndThinkingBlocksKeepTheirSignatures() throws Exception {
        JsonNode message = translate("""
                {"id":"msg_1","type":"message","role":"assistant","model":"c",
                 "content":[{"type":"thinking","thinking":"Step 1.","signature":"sigA"},
                            {"type":"redacted_thinking","data":"EmwKAhgB"},
                            {"type":"thinking","thinking":" Step 2.","signature":"sigB"},
                            {"type":"text","text":"42"}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}""")
                .get("choices").get(0).get("message");

        assertEquals("42", message.get("content").asText());
        assertEquals("Step 1. Step 2.", message.get("reasoning_content").asText());
        assertEquals(parse("""
                [{"type":"thinking","thinking":"Step 1.","signature":"sigA"},{"type":"redacted_thinking","data":"EmwKAhgB"},
                 {"type":"thinking","thinking":" Step 2.","signature":"sigB"}]"""), message.get("thinking_blocks"));
    }

    @ParameterizedTest
    @CsvSource({
            "end_turn, stop",
            "stop_sequence, stop",
            "pause_turn, stop",
            "max_tokens, length",
            "model_context_window_exceeded, length",
            "tool_use, tool_calls",
            "refusal, content_filter"})
    void stopReasonsBecomeFinishReasons(String stopReason, String finishReason) throws Exception {
        JsonNode out = translate("""
                {"id":"msg_1","type":"message","role":"assistant","model":"c","content":[{"type":"text","text":"x"}],
                 "stop_reason":"%s","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}"""
                .formatted(stopReason));

        assertEquals(finishReason, out.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void promptTokensCountCacheReadsAndWritesAndCachedTokensAreTheReads() throws Exception {
        JsonNode usage = translate("""
                {"id":"msg_1","type":"message","role":"assistant","model":"c","content":[{"type":"text","text":"x"}],
                 "stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":21,"cache_creation_input_tokens":188086,"cache_read_input_tokens":2048,
                          "output_tokens":393,"service_tier":"standard"}}""").get("usage");

        assertEquals(parse("""
                {"prompt_tokens":190155,"completion_tokens":393,"total_tokens":190548,
                 "prompt_tokens_details":{"cached_tokens":2048,"cache_creation_tokens":188086}}"""), reparsed(usage));
    }

    @Test
    void theResponseFormatToolsInputIsTheContentAndTheAnswerStops() throws Exception {
        JsonNode out = AnthropicToOpenAiResponse.translate(obj("""
                {"id":"msg_1","type":"message","role":"assistant","model":"c",
                 "content":[{"type":"tool_use","id":"toolu_1","name":"person","input":{"name":"Ada","born":1815}}],
                 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}"""),
                new ReplyOptions("person", false), CREATED);

        JsonNode choice = out.get("choices").get(0);
        assertEquals(parse("{\"name\":\"Ada\",\"born\":1815}"), parse(choice.get("message").get("content").asText()));
        assertFalse(choice.get("message").has("tool_calls"));
        assertEquals("stop", choice.get("finish_reason").asText());
    }

    @Test
    void serverToolBlocksAndCitationsAreLeftOut() throws Exception {
        JsonNode message = translate("""
                {"id":"msg_1","type":"message","role":"assistant","model":"c",
                 "content":[{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"q"}},
                            {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]},
                            {"type":"text","text":"Found it.","citations":[{"type":"web_search_result_location","url":"u"}]}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}""")
                .get("choices").get(0).get("message");

        assertEquals(parse("{\"role\":\"assistant\",\"content\":\"Found it.\",\"refusal\":null}"), message);
    }

    @Test
    void anEmptyAnswerHasEmptyContent() throws Exception {
        JsonNode message = translate("""
                {"id":"msg_1","type":"message","role":"assistant","model":"c","content":[],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":0}}""")
                .get("choices").get(0).get("message");

        assertEquals("", message.get("content").asText());
    }

    @Test
    void somethingThatIsNotAnAnthropicMessageIs502() {
        TranslationException e = assertThrows(TranslationException.class,
                () -> translate("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}"));

        assertEquals(502, e.status());
        assertEquals("upstream_malformed", e.code());
        assertEquals("upstream_error", e.type());
    }
}
