package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.TranslationException;
import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static io.brokle.proxy.testing.TestJson.reparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicToOpenAiRequestTest {

    private static TranslatedRequest translate(String json) throws TranslationException {
        return AnthropicToOpenAiRequest.translate(obj(json));
    }

    private static TranslationException refused(String json) {
        return assertThrows(TranslationException.class, () -> translate(json));
    }

    @Test
    void aSimpleRequestKeepsItsShape() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"gpt-4o","max_tokens":1024,"system":"Be terse.",
                 "messages":[{"role":"user","content":"Hi"}],
                 "temperature":0.5,"top_p":0.9,"stop_sequences":["END"],"metadata":{"user_id":"u-1"}}""");

        assertEquals(parse("""
                {"model":"gpt-4o","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Hi"}],
                 "max_tokens":1024,"temperature":0.5,"top_p":0.9,"stop":["END"],"user":"u-1"}"""), reparsed(t.body()));
        assertEquals(List.of(), t.droppedParams());
    }

    @Test
    void systemBlocksBecomeTextPartsAndCacheControlIsDroppedAndListed() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","max_tokens":10,"system":[{"type":"text","text":"A"},
                  {"type":"text","text":"B","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"Hi"}]}""");

        assertEquals(parse("""
                {"role":"system","content":[{"type":"text","text":"A"},{"type":"text","text":"B"}]}"""),
                t.body().get("messages").get(0));
        assertEquals(List.of("cache_control"), t.droppedParams());
    }

    @Test
    void imagesBecomeImageUrlPartsAndPdfsFileParts() throws Exception {
        JsonNode content = translate("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[
                  {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}},
                  {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},
                  {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"},"title":"r.pdf"},
                  {"type":"text","text":"What are these?"}]}]}""").body().get("messages").get(0).get("content");

        assertEquals(parse("""
                [{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ"}},
                 {"type":"image_url","image_url":{"url":"https://example.com/a.png"}},
                 {"type":"file","file":{"filename":"r.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}},
                 {"type":"text","text":"What are these?"}]"""), content);
    }

    @Test
    void toolUseBecomesToolCallsAndToolResultsBecomeToolMessagesBeforeTheRestOfTheTurn() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","max_tokens":10,"messages":[
                  {"role":"user","content":"Weather?"},
                  {"role":"assistant","content":[{"type":"text","text":"Checking."},
                    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
                    {"type":"tool_use","id":"toolu_2","name":"now","input":{}}]},
                  {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},
                    {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"14:00"}],"is_error":true},
                    {"type":"text","text":"And tomorrow?"}]}]}""");

        assertEquals(parse("""
                [{"role":"user","content":"Weather?"},
                 {"role":"assistant","content":"Checking.","tool_calls":[
                   {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                   {"id":"toolu_2","type":"function","function":{"name":"now","arguments":"{}"}}]},
                 {"role":"tool","tool_call_id":"toolu_1","content":"18C"},
                 {"role":"tool","tool_call_id":"toolu_2","content":[{"type":"text","text":"14:00"}]},
                 {"role":"user","content":[{"type":"text","text":"And tomorrow?"}]}]"""), t.body().get("messages"));
        assertEquals(List.of("is_error"), t.droppedParams());
    }

    @Test
    void toolsAndToolChoiceTranslate() throws Exception {
        JsonNode body = translate("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],
                 "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object",
                   "properties":{"city":{"type":"string"}}}}],
                 "tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true}}""").body();

        assertEquals(parse("""
                [{"type":"function","function":{"name":"get_weather","description":"Weather",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]"""), body.get("tools"));
        assertEquals(parse("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"), body.get("tool_choice"));
        assertFalse(body.get("parallel_tool_calls").booleanValue());
        for (String[] pair : new String[][] {{"auto", "auto"}, {"any", "required"}, {"none", "none"}}) {
            assertEquals(pair[1], translate("""
                    {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],
                     "tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":{"type":"%s"}}"""
                    .formatted(pair[0])).body().get("tool_choice").asText());
        }
    }

    @Test
    void thinkingBecomesReasoningEffortWithMaxCompletionTokens() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"o3","max_tokens":20000,"thinking":{"type":"enabled","budget_tokens":10000},
                 "messages":[{"role":"user","content":"Hi"},
                   {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},{"type":"text","text":"Yo"}]},
                   {"role":"user","content":"Again"}]}""");

        assertEquals("medium", t.body().get("reasoning_effort").asText());
        assertEquals(20000, t.body().get("max_completion_tokens").intValue());
        assertFalse(t.body().has("max_tokens"));
        assertEquals(parse("{\"role\":\"assistant\",\"content\":\"Yo\"}"), t.body().get("messages").get(1));
        assertEquals(List.of("thinking"), t.droppedParams());
    }

    @Test
    void streamAsksTheProviderForUsage() throws Exception {
        JsonNode body = translate("""
                {"model":"m","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""").body();

        assertEquals(parse("{\"include_usage\":true}"), body.get("stream_options"));
    }

    @Test
    void topKAndUnknownFieldsAreDroppedAndListed() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","max_tokens":10,"top_k":5,"service_tier":"auto","messages":[{"role":"user","content":"Hi"}]}""");

        assertEquals(List.of("service_tier", "top_k"), t.droppedParams());
    }

    @Test
    void requestsAnOpenAiFormatModelCannotServeAreRefused() {
        assertEquals("max_tokens", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}]}""").param());
        assertEquals("tools[0].type", refused("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":"Hi"}],
                 "tools":[{"type":"web_search_20250305","name":"web_search"}]}""").param());
        assertEquals("messages[0].content[0].content[0]", refused("""
                {"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t",
                  "content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}]}""")
                .param());
        assertEquals("messages[0].role", refused("""
                {"model":"m","max_tokens":10,"messages":[{"role":"system","content":"Hi"}]}""").param());
    }
}
