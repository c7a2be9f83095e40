package io.brokle.proxy.adapt.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.adapt.anthropic.TranslatedRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI chat requests as Converse bodies: what goes where, what is dropped, what is refused. */
class OpenAiToConverseRequestTest {
    private static final String CLAUDE = "anthropic.claude-3-7-sonnet-20250219-v1:0";
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
              "parameters":{"type":"object","properties":{"city":{"type":"string"}}}},"cache_control":{"type":"ephemeral"}}]""";

    private static TranslatedRequest translate(String json, String modelId) throws TranslationException {
        return new OpenAiToConverseRequest().translate(Json.parseOrNull(json), modelId);
    }

    private static JsonNode body(String json) throws TranslationException {
        return translate(json, CLAUDE).body();
    }

    private static TranslationException refused(String json) {
        return assertThrows(TranslationException.class, () -> translate(json, CLAUDE));
    }

    @Test
    void systemMessagesAndInferenceParametersGoToTheirConverseFields() throws TranslationException {
        JsonNode body = body("""
                {"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"developer","content":"Use French."},
                  {"role":"user","content":"Hi"}],"max_tokens":50,"temperature":0.2,"top_p":0.9,"stop":["END","STOP"]}""");

        assertEquals(Json.parseOrNull("[{\"text\":\"Be brief.\"},{\"text\":\"Use French.\"}]"), body.get("system"));
        assertEquals(Json.parseOrNull("[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]"), body.get("messages"));
        assertEquals(Json.parseOrNull("{\"maxTokens\":50,\"temperature\":0.2,\"topP\":0.9,\"stopSequences\":[\"END\",\"STOP\"]}"),
                body.get("inferenceConfig"));
        assertFalse(body.has("model"));
        assertFalse(body.has("toolConfig"));
    }

    @Test
    void toolsBecomeToolSpecsWithACachePointAndToolChoicesMap() throws TranslationException {
        JsonNode auto = body("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + TOOLS + ",\"tool_choice\":\"auto\"}");
        assertEquals("get_weather", auto.at("/toolConfig/tools/0/toolSpec/name").asText());
        assertEquals("Weather", auto.at("/toolConfig/tools/0/toolSpec/description").asText());
        assertEquals("string", auto.at("/toolConfig/tools/0/toolSpec/inputSchema/json/properties/city/type").asText());
        assertEquals("default", auto.at("/toolConfig/tools/1/cachePoint/type").asText());
        assertTrue(auto.at("/toolConfig/toolChoice/auto").isObject());

        assertTrue(body("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + TOOLS + ",\"tool_choice\":\"required\"}")
                .at("/toolConfig/toolChoice/any").isObject());
        assertEquals("get_weather", body("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + TOOLS
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}}")
                .at("/toolConfig/toolChoice/tool/name").asText());
    }

    @Test
    void toolChoiceNoneDropsTheToolsUnlessTheConversationAlreadyUsesThem() throws TranslationException {
        assertFalse(body("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + TOOLS + ",\"tool_choice\":\"none\"}")
                .has("toolConfig"));

        TranslatedRequest withHistory = translate("""
                {"messages":[{"role":"user","content":"Weather?"},
                  {"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"t1","content":"sunny"}],""" + TOOLS + ",\"tool_choice\":\"none\"}", CLAUDE);
        assertTrue(withHistory.body().at("/toolConfig/tools").isArray(), "Bedrock needs toolConfig with tool blocks");
        assertTrue(withHistory.body().at("/toolConfig/toolChoice").isMissingNode());
        assertEquals(List.of("tool_choice"), withHistory.droppedParams());
    }

    @Test
    void assistantToolCallsAndConsecutiveToolResultsBecomeBlocksOfAlternatingTurns() throws TranslationException {
        JsonNode messages = body("""
                {"messages":[{"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":"Let me check.","tool_calls":[
                    {"id":"t1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}},
                    {"id":"t2","type":"function","function":{"name":"get_weather","arguments":""}}]},
                  {"role":"tool","tool_call_id":"t1","content":"sunny"},
                  {"role":"tool","tool_call_id":"t2","content":[{"type":"text","text":"rainy"}]},
                  {"role":"user","content":"Thanks"}],""" + TOOLS + "}").get("messages");

        assertEquals(3, messages.size(), messages.toString());
        assertEquals(Json.parseOrNull("""
                {"role":"assistant","content":[{"text":"Let me check."},
                  {"toolUse":{"toolUseId":"t1","name":"get_weather","input":{"city":"Paris"}}},
                  {"toolUse":{"toolUseId":"t2","name":"get_weather","input":{}}}]}"""), messages.get(1));
        assertEquals(Json.parseOrNull("""
                {"role":"user","content":[{"toolResult":{"toolUseId":"t1","content":[{"text":"sunny"}]}},
                  {"toolResult":{"toolUseId":"t2","content":[{"text":"rainy"}]}},{"text":"Thanks"}]}"""), messages.get(2));
    }

    @Test
    void aCacheMarkerInAToolResultGoesAfterTheResult() throws TranslationException {
        JsonNode content = body("""
                {"messages":[{"role":"user","content":"Weather?"},
                  {"role":"assistant","tool_calls":[{"id":"t1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"t1","content":[{"type":"text","text":"sunny","cache_control":{"type":"ephemeral"}}]}],"""
                + TOOLS + "}").at("/messages/2/content");

        assertEquals(Json.parseOrNull("""
                [{"toolResult":{"toolUseId":"t1","content":[{"text":"sunny"}]}},{"cachePoint":{"type":"default"}}]"""), content);
    }

    @Test
    void anEmptyAssistantTurnIsLeftOutAndTheUserTurnsAroundItMerge() throws TranslationException {
        JsonNode messages = body("""
                {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":""},
                  {"role":"user","content":"Anyone?"}]}""").get("messages");

        assertEquals(Json.parseOrNull("[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"},{\"text\":\"Anyone?\"}]}]"),
                messages);
    }

    @Test
    void imagesGoAsBytesWithTheirFormatAndCacheMarkersAsCachePoints() throws TranslationException {
        JsonNode body = body("""
                {"messages":[{"role":"system","content":[{"type":"text","text":"Long rules","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":[{"type":"text","text":"What is it?"},
                    {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ","detail":"high"}}],
                   "cache_control":{"type":"ephemeral"}}]}""");

        assertEquals(Json.parseOrNull("[{\"text\":\"Long rules\"},{\"cachePoint\":{\"type\":\"default\"}}]"), body.get("system"));
        assertEquals(Json.parseOrNull("""
                [{"text":"What is it?"},{"image":{"format":"jpeg","source":{"bytes":"/9j/4AAQ"}}},
                 {"cachePoint":{"type":"default"}}]"""), body.at("/messages/0/content"));
    }

    @Test
    void aPdfFileBecomesANamedDocument() throws TranslationException {
        JsonNode block = body("""
                {"messages":[{"role":"user","content":[{"type":"file","file":{"filename":"report 2024.pdf",
                  "file_data":"data:application/pdf;base64,JVBERi0x"}}]}]}""").at("/messages/0/content/0/document");

        assertEquals(Json.parseOrNull("{\"format\":\"pdf\",\"name\":\"report 2024\",\"source\":{\"bytes\":\"JVBERi0x\"}}"), block);
    }

    @Test
    void reasoningEffortAsksClaudeToThinkAndIsDroppedForOtherModels() throws TranslationException {
        String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"Think\"}],\"reasoning_effort\":\"low\"}";
        JsonNode claude = translate(json, "us." + CLAUDE).body();
        assertEquals(Json.parseOrNull("{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}"),
                claude.get("additionalModelRequestFields"));
        assertEquals(4096 + 1024, claude.at("/inferenceConfig/maxTokens").asInt());

        TranslatedRequest nova = translate(json, "amazon.nova-pro-v1:0");
        assertFalse(nova.body().has("additionalModelRequestFields"));
        assertEquals(List.of("reasoning_effort"), nova.droppedParams());
    }

    @Test
    void thinkingBlocksGoBackAsReasoningContentFirst() throws TranslationException {
        JsonNode assistant = body("""
                {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello",
                  "thinking_blocks":[{"type":"thinking","thinking":"Say hello","signature":"c2ln"},
                                     {"type":"redacted_thinking","data":"ZW5j"}]},
                  {"role":"user","content":"Again"}]}""").at("/messages/1/content");

        assertEquals(Json.parseOrNull("""
                [{"reasoningContent":{"reasoningText":{"text":"Say hello","signature":"c2ln"}}},
                 {"reasoningContent":{"redactedContent":"ZW5j"}},{"text":"Hello"}]"""), assistant);
    }

    @Test
    void aJsonSchemaResponseFormatIsAForcedTool() throws TranslationException {
        TranslatedRequest translated = translate("""
                {"messages":[{"role":"user","content":"A city"}],"response_format":{"type":"json_schema",
                  "json_schema":{"name":"city","schema":{"type":"object","properties":{"name":{"type":"string"}}}}}}""", CLAUDE);

        assertEquals("city", translated.reply().jsonResponseTool());
        assertEquals("city", translated.body().at("/toolConfig/toolChoice/tool/name").asText());
        assertEquals("string", translated.body().at("/toolConfig/tools/0/toolSpec/inputSchema/json/properties/name/type")
                .asText());
    }

    @Test
    void parametersConverseCannotTakeAreListedUnlessTheyChangeNothing() throws TranslationException {
        TranslatedRequest translated = translate("""
                {"messages":[{"role":"user","content":"Hi","name":"ann"}],"seed":3,"logprobs":false,"n":1,
                 "frequency_penalty":0,"user":"u-1","parallel_tool_calls":false}""", CLAUDE);

        assertEquals(List.of("seed", "user", "parallel_tool_calls", "messages[].name"), translated.droppedParams());
    }

    @Test
    void requestsConverseCannotServeAreRefusedWithTheField() {
        assertEquals("n", refused("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"n\":2}").param());
        assertEquals("messages[0].content[0].image_url.url", refused("""
                {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/cat.png"}}]}]}""")
                .param());
        assertEquals("messages[0].content[0].type", refused("""
                {"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA","format":"wav"}}]}]}""")
                .param());
        assertEquals("response_format", refused("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + TOOLS
                + ",\"response_format\":{\"type\":\"json_object\"}}").param());
        assertEquals("messages", refused("{\"messages\":[]}").param());
        TranslationException e = refused("""
                {"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,Qk0="}}]}]}""");
        assertTrue(e.getMessage().contains("image/bmp"), e.getMessage());
        assertEquals(400, e.status());
    }

    @Test
    void aTemperatureAboveOneIsClampedAndListed() throws TranslationException {
        TranslatedRequest translated = translate("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"temperature\":1.7}",
                CLAUDE);

        assertEquals(1.0, translated.body().at("/inferenceConfig/temperature").asDouble());
        assertEquals(List.of("temperature"), translated.droppedParams());
    }

    @Test
    void streamIsReadFromTheRequest() throws TranslationException {
        assertTrue(OpenAiToConverseRequest.stream(Json.parseOrNull("{\"stream\":true}")));
        assertFalse(OpenAiToConverseRequest.stream(Json.parseOrNull("{}")));
        assertThrows(TranslationException.class, () -> OpenAiToConverseRequest.stream(Json.parseOrNull("{\"stream\":\"yes\"}")));
        assertNull(translate("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", CLAUDE).droppedParamsHeader());
    }
}
