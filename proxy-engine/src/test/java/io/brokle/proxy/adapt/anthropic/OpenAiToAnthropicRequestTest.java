package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.TranslationException;
import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiToAnthropicRequestTest {
    private final OpenAiToAnthropicRequest translator = new OpenAiToAnthropicRequest();

    private TranslatedRequest translate(String json) throws TranslationException {
        return translator.translate(obj(json));
    }

    private JsonNode body(String json) throws TranslationException {
        return translate(json).body();
    }

    private TranslationException refused(String json) {
        return assertThrows(TranslationException.class, () -> translate(json));
    }

    @Test
    void copiesModelAndPlainUserTextAndUsesTheDocumentedDefaultMaxTokens() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"Hi"}]}""");

        assertEquals(parse("""
                {"model":"claude-sonnet-4-5","max_tokens":4096,
                 "messages":[{"role":"user","content":"Hi"}]}"""), t.body());
        assertEquals(List.of(), t.droppedParams());
        assertNull(t.droppedParamsHeader());
        assertEquals(ReplyOptions.PLAIN, t.reply());
    }

    @Test
    void defaultMaxTokensIsAConstructorSetting() throws Exception {
        JsonNode body = new OpenAiToAnthropicRequest(1000).translate(obj("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}]}""")).body();

        assertEquals(1000, body.get("max_tokens").intValue());
        assertThrows(IllegalArgumentException.class, () -> new OpenAiToAnthropicRequest(0));
    }

    @Test
    void maxCompletionTokensWinsOverMaxTokens() throws Exception {
        assertEquals(200, body("""
                {"model":"m","max_tokens":200,"messages":[{"role":"user","content":"Hi"}]}""")
                .get("max_tokens").intValue());
        assertEquals(100, body("""
                {"model":"m","max_tokens":200,"max_completion_tokens":100,
                 "messages":[{"role":"user","content":"Hi"}]}""").get("max_tokens").intValue());
        assertEquals("max_tokens", refused("""
                {"model":"m","max_tokens":0,"messages":[{"role":"user","content":"Hi"}]}""").param());
        assertEquals("max_completion_tokens", refused("""
                {"model":"m","max_completion_tokens":"lots","messages":[{"role":"user","content":"Hi"}]}""").param());
    }

    @Test
    void systemAndDeveloperMessagesBecomeTheSystemPrompt() throws Exception {
        JsonNode single = body("""
                {"model":"m","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Hi"}]}""");
        JsonNode several = body("""
                {"model":"m","messages":[
                  {"role":"system","content":"Be terse."},
                  {"role":"user","content":"Hi"},
                  {"role":"developer","content":[{"type":"text","text":"Answer in French."}]}]}""");

        assertEquals(parse("\"Be terse.\""), single.get("system"));
        assertEquals(1, single.get("messages").size(), "no system message is left among the messages");
        assertEquals(parse("""
                [{"type":"text","text":"Be terse."},{"type":"text","text":"Answer in French."}]"""),
                several.get("system"));
        assertEquals(parse("""
                [{"role":"user","content":"Hi"}]"""), several.get("messages"));
    }

    @Test
    void imagePartsBecomeImageBlocksFromDataUrlsAndHttpUrls() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare these."},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg","detail":"high"}}]}]}""");

        assertEquals(parse("""
                [{"type":"text","text":"Compare these."},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]"""),
                t.body().get("messages").get(0).get("content"));
        assertEquals(List.of("image_url.detail"), t.droppedParams());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://example.com/a.png",
            "data:image/png,notbase64",
            "data:image/bmp;base64,Qk0=",
            "file:///etc/passwd"})
    void imageUrlsAnthropicCannotTakeAreRefused(String url) {
        TranslationException e = refused("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"%s"}}]}]}"""
                .formatted(url));

        assertEquals(400, e.status());
        assertEquals("messages[0].content[0].image_url.url", e.param());
    }

    @Test
    void pdfFilePartsBecomeDocumentBlocksAndOtherFilesAndAudioAreRefused() throws Exception {
        JsonNode content = body("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"file","file":{"filename":"report.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}}]}]}""")
                .get("messages").get(0).get("content");

        assertEquals(parse("""
                [{"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"},
                  "title":"report.pdf"}]"""), content);
        assertEquals("messages[0].content[0].file.file_id", refused("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc"}}]}]}""")
                .param());
        assertEquals("messages[0].content[0].type", refused("""
                {"model":"m","messages":[{"role":"user","content":[
                  {"type":"input_audio","input_audio":{"data":"AAA=","format":"wav"}}]}]}""").param());
    }

    @Test
    void assistantToolCallsBecomeToolUseBlocksWithParsedInput() throws Exception {
        JsonNode assistant = body("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":"Checking.","tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\": \\"Paris\\"}"}},
                    {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":""}}]}]}""")
                .get("messages").get(1);

        assertEquals(parse("""
                {"role":"assistant","content":[
                  {"type":"text","text":"Checking."},
                  {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
                  {"type":"tool_use","id":"call_2","name":"get_weather","input":{}}]}"""), assistant);
    }

    @Test
    void toolArgumentsThatAreNotAJsonObjectAreRefused() {
        TranslationException e = refused("""
                {"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[
                  {"id":"c","type":"function","function":{"name":"f","arguments":"[1,2"}}]}]}""");

        assertEquals("messages[0].tool_calls[0].function.arguments", e.param());
    }

    @Test
    void consecutiveToolMessagesMergeIntoOneUserTurnOfToolResultsFirst() throws Exception {
        JsonNode messages = body("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather?"},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"w","arguments":"{}"}},
                    {"id":"call_2","type":"function","function":{"name":"t","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"18C"},
                  {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"14:00"}]},
                  {"role":"user","content":"Thanks, and tomorrow?"}]}""").get("messages");

        assertEquals(3, messages.size());
        assertEquals(parse("""
                {"role":"user","content":[
                  {"type":"tool_result","tool_use_id":"call_1","content":"18C"},
                  {"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"14:00"}]},
                  {"type":"text","text":"Thanks, and tomorrow?"}]}"""), messages.get(2));
    }

    @Test
    void toolsBecomeAnthropicToolsWithInputSchemas() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[
                  {"type":"function","function":{"name":"get_weather","description":"Weather for a city",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},
                   "strict":true}},
                  {"type":"function","function":{"name":"now"}}]}""");

        assertEquals(parse("""
                [{"name":"get_weather","description":"Weather for a city",
                  "input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
                 {"name":"now","input_schema":{"type":"object","properties":{}}}]"""), t.body().get("tools"));
        assertEquals(List.of("tools[].function.strict"), t.droppedParams());
        assertEquals("tools[0].type", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"web_search"}]}""").param());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"auto\"                                          | {\"type\":\"auto\"}",
            "\"required\"                                      | {\"type\":\"any\"}",
            "\"none\"                                          | {\"type\":\"none\"}",
            "{\"type\":\"function\",\"function\":{\"name\":\"f\"}} | {\"type\":\"tool\",\"name\":\"f\"}"})
    void toolChoiceTranslates(String openAi, String anthropic) throws Exception {
        JsonNode body = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],
                 "tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":%s}""".formatted(openAi));

        assertEquals(parse(anthropic), body.get("tool_choice"));
    }

    @Test
    void parallelToolCallsFalseDisablesParallelToolUse() throws Exception {
        String tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";
        assertEquals(parse("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"), body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],%s,"parallel_tool_calls":false}"""
                .formatted(tools)).get("tool_choice"));
        assertEquals(parse("{\"type\":\"any\",\"disable_parallel_tool_use\":true}"), body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],%s,"parallel_tool_calls":false,
                 "tool_choice":"required"}""".formatted(tools)).get("tool_choice"));
        assertFalse(body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],%s,"parallel_tool_calls":true}"""
                .formatted(tools)).has("tool_choice"));
        assertEquals("tool_choice", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],%s,"tool_choice":"sometimes"}"""
                .formatted(tools)).param());
    }

    @Test
    void stopAsStringOrListBecomesStopSequences() throws Exception {
        assertEquals(parse("[\"END\"]"), body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"stop":"END"}""").get("stop_sequences"));
        assertEquals(parse("[\"END\",\"\\n\\n\"]"), body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"stop":["END","\\n\\n"]}""")
                .get("stop_sequences"));
        assertFalse(body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"stop":null}""").has("stop_sequences"));
    }

    @Test
    void samplingParametersAreCopiedAndTemperatureAboveOneIsClampedAndListed() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"temperature":0.3,"top_p":0.9,"top_k":40}""");
        TranslatedRequest hot = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"temperature":1.7}""");

        assertEquals(0.3, t.body().get("temperature").doubleValue());
        assertEquals(0.9, t.body().get("top_p").doubleValue());
        assertEquals(40, t.body().get("top_k").intValue());
        assertEquals(1.0, hot.body().get("temperature").doubleValue());
        assertEquals(List.of("temperature"), hot.droppedParams());
    }

    @Test
    void userBecomesMetadataUserIdAndStreamIsKeptWithItsUsageWish() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"user":"user-42","stream":true,
                 "stream_options":{"include_usage":true}}""");

        assertEquals(parse("{\"user_id\":\"user-42\"}"), t.body().get("metadata"));
        assertTrue(t.body().get("stream").booleanValue());
        assertFalse(t.body().has("stream_options"));
        assertTrue(t.reply().includeUsage());
        assertFalse(translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":true}""").reply().includeUsage());
    }

    @Test
    void reasoningEffortBecomesAThinkingBudgetOnTopOfTheDefaultMaxTokens() throws Exception {
        JsonNode body = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"medium"}""");

        assertEquals(parse("{\"type\":\"enabled\",\"budget_tokens\":4096}"), body.get("thinking"));
        assertEquals(4096 + 4096, body.get("max_tokens").intValue());
        assertFalse(body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"minimal"}""")
                .has("thinking"));
    }

    @Test
    void reasoningEffortBudgetStaysBelowTheClientsMaxTokensOrIsRefused() throws Exception {
        JsonNode body = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"high",
                 "max_completion_tokens":5000}""");
        TranslationException tooSmall = refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"low",
                 "max_completion_tokens":1000}""");

        assertEquals(5000, body.get("max_tokens").intValue());
        assertEquals(4999, body.get("thinking").get("budget_tokens").intValue());
        assertEquals("max_completion_tokens", tooSmall.param());
        assertEquals("reasoning_effort", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"extreme"}""").param());
    }

    @Test
    void anExplicitThinkingExtensionIsCopiedAndWinsOverReasoningEffort() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"low",
                 "thinking":{"type":"enabled","budget_tokens":2000}}""");

        assertEquals(parse("{\"type\":\"enabled\",\"budget_tokens\":2000}"), t.body().get("thinking"));
        assertEquals(4096 + 2000, t.body().get("max_tokens").intValue());
        assertEquals(List.of("reasoning_effort"), t.droppedParams());
        assertEquals("thinking", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"thinking":true}""").param());
    }

    @Test
    void thinkingBlocksOfAnAssistantTurnGoBackFirstWithTheirSignatures() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[
                  {"role":"user","content":"Weather?"},
                  {"role":"assistant","content":null,"reasoning_content":"I should call the tool.",
                   "thinking_blocks":[{"type":"thinking","thinking":"I should call the tool.","signature":"sig=="},
                                      {"type":"redacted_thinking","data":"EmwKAhgB"}],
                   "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"w","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"sunny"},
                  {"role":"assistant","content":"Earlier thoughts","reasoning_content":"unsigned"}]}""");

        assertEquals(parse("""
                [{"type":"thinking","thinking":"I should call the tool.","signature":"sig=="},
                 {"type":"redacted_thinking","data":"EmwKAhgB"},
                 {"type":"tool_use","id":"toolu_1","name":"w","input":{}}]"""),
                t.body().get("messages").get(1).get("content"));
        assertEquals(List.of("messages[].reasoning_content"), t.droppedParams());
    }

    @Test
    void cacheControlMarkersArePreservedOnTheirBlocksToolsAndSystemPrompt() throws Exception {
        JsonNode body = body("""
                {"model":"m","messages":[
                  {"role":"system","content":[{"type":"text","text":"Long policy","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":[
                    {"type":"text","text":"Big document","cache_control":{"type":"ephemeral","ttl":"1h"}},
                    {"type":"image_url","image_url":{"url":"https://example.com/a.png"},"cache_control":{"type":"ephemeral"}},
                    {"type":"text","text":"Question"}]},
                  {"role":"assistant","content":"Answer"},
                  {"role":"user","content":"Follow-up","cache_control":{"type":"ephemeral"}},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"c","content":"result","cache_control":{"type":"ephemeral"}}],
                 "tools":[{"type":"function","function":{"name":"f"},"cache_control":{"type":"ephemeral"}}]}""");

        assertEquals(parse("[{\"type\":\"text\",\"text\":\"Long policy\",\"cache_control\":{\"type\":\"ephemeral\"}}]"),
                body.get("system"));
        JsonNode first = body.get("messages").get(0).get("content");
        assertEquals(parse("{\"type\":\"ephemeral\",\"ttl\":\"1h\"}"), first.get(0).get("cache_control"));
        assertEquals(parse("{\"type\":\"ephemeral\"}"), first.get(1).get("cache_control"));
        assertFalse(first.get(2).has("cache_control"));
        assertEquals(parse("[{\"type\":\"text\",\"text\":\"Follow-up\",\"cache_control\":{\"type\":\"ephemeral\"}}]"),
                body.get("messages").get(2).get("content"), "a message's marker goes on its last block");
        assertEquals(parse("{\"type\":\"ephemeral\"}"),
                body.get("messages").get(4).get("content").get(0).get("cache_control"));
        assertEquals(parse("{\"type\":\"ephemeral\"}"), body.get("tools").get(0).get("cache_control"));
    }

    @Test
    void parametersWithoutAnthropicEquivalentAreDroppedAndListedUnlessTheyChangeNothing() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi","name":"alice"}],"n":1,
                 "seed":7,"logprobs":true,"top_logprobs":3,"presence_penalty":0.5,"frequency_penalty":0,
                 "logit_bias":{"50256":-100},"store":false,"service_tier":"auto","x_custom":"?"}""");

        assertEquals(List.of("seed", "logprobs", "top_logprobs", "presence_penalty", "logit_bias", "service_tier",
                "x_custom", "messages[].name"), t.droppedParams());
        assertEquals("seed, logprobs, top_logprobs, presence_penalty, logit_bias, service_tier, x_custom, "
                + "messages[].name", t.droppedParamsHeader());
        for (String field : List.of("n", "seed", "logprobs", "presence_penalty", "frequency_penalty", "store")) {
            assertFalse(t.body().has(field), field);
        }
    }

    @Test
    void requestsWhoseAnswerCouldNotHaveTheAskedShapeAreRefused() {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        assertEquals("n", refused("{\"model\":\"m\"," + messages + ",\"n\":2}").param());
        assertEquals("audio", refused("{\"model\":\"m\"," + messages
                + ",\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}}").param());
        assertEquals("modalities", refused("{\"model\":\"m\"," + messages + ",\"modalities\":[\"text\",\"audio\"]}")
                .param());
        assertEquals("functions", refused("{\"model\":\"m\"," + messages + ",\"functions\":[{\"name\":\"f\"}]}")
                .param());
        assertEquals("messages[0].role", refused("""
                {"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}""").param());
        assertEquals("messages", refused("{\"model\":\"m\",\"messages\":[]}").param());
        assertEquals("model", refused("{" + messages + "}").param());
    }

    @Test
    void responseFormatJsonSchemaBecomesAForcedToolWhoseInputIsTheAnswer() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Extract."}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,
                   "schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}}""");

        assertEquals(parse("""
                [{"name":"person",
                  "description":"Give your answer as a JSON object matching this schema: the input of this tool is the answer.",
                  "input_schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}]"""),
                t.body().get("tools"));
        assertEquals(parse("{\"type\":\"tool\",\"name\":\"person\"}"), t.body().get("tool_choice"));
        assertEquals("person", t.reply().jsonResponseTool());
    }

    @Test
    void responseFormatJsonObjectForcesAToolThatTakesAnyObject() throws Exception {
        TranslatedRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"JSON please"}],"response_format":{"type":"json_object"}}""");

        assertEquals(parse("{\"type\":\"object\"}"), t.body().get("tools").get(0).get("input_schema"));
        assertEquals(OpenAiToAnthropicRequest.JSON_OBJECT_TOOL, t.reply().jsonResponseTool());
        assertFalse(translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"text"}}""")
                .body().has("tools"));
    }

    @Test
    void responseFormatIsRefusedWithToolsThinkingOrANonObjectSchema() {
        String schema = "\"response_format\":{\"type\":\"json_object\"}";
        assertEquals("response_format", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],%s,
                 "tools":[{"type":"function","function":{"name":"f"}}]}""".formatted(schema)).param());
        assertEquals("response_format", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],%s,"reasoning_effort":"low"}"""
                .formatted(schema)).param());
        assertEquals("response_format.json_schema.schema", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],
                 "response_format":{"type":"json_schema","json_schema":{"name":"list","schema":{"type":"array"}}}}""")
                .param());
    }

    @Test
    void doesNotChangeTheClientsRequest() throws Exception {
        ObjectNode request = obj("""
                {"model":"m","messages":[{"role":"system","content":"S"},{"role":"assistant","content":null,"tool_calls":[
                  {"id":"c","type":"function","function":{"name":"f","arguments":{"a":1}}}]}],
                 "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}""");
        ObjectNode copy = request.deepCopy();

        JsonNode body = translator.translate(request).body();
        ((ObjectNode) body.get("tools").get(0).get("input_schema")).put("changed", true);
        ((ObjectNode) body.get("messages").get(0).get("content").get(0).get("input")).put("changed", true);

        assertEquals(copy, request);
    }
}
