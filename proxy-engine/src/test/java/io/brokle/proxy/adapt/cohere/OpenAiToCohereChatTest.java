package io.brokle.proxy.adapt.cohere;

import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static io.brokle.proxy.testing.TestJson.reparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.adapt.TranslationException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OpenAiToCohereChatTest {
    private final OpenAiToCohereChat translator = new OpenAiToCohereChat();

    private CohereRequest translate(String json) throws TranslationException {
        return translator.translate(obj(json));
    }

    private JsonNode body(String json) throws TranslationException {
        return reparsed(translate(json).body());
    }

    private TranslationException refused(String json) {
        return assertThrows(TranslationException.class, () -> translate(json));
    }

    @Test
    void aPlainRequestKeepsModelMessagesAndSaysWhetherItStreams() throws Exception {
        CohereRequest t = translate("""
                {"model":"command-a-03-2025","messages":[{"role":"user","content":"Hi"}]}""");

        assertEquals(parse("""
                {"model":"command-a-03-2025","messages":[{"role":"user","content":"Hi"}],"stream":false}"""),
                t.body());
        assertEquals(List.of(), t.droppedParams());
        assertNull(t.droppedParamsHeader());
        assertTrue(body("""
                {"model":"m","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Hi"}]}""").get("stream").booleanValue());
    }

    @Test
    void everyRoleKeepsItsPlaceSystemAndDeveloperBecomeSystem() throws Exception {
        JsonNode messages = body("""
                {"model":"m","messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"developer","content":[{"type":"text","text":"Answer in French."}]},
                  {"role":"user","content":"What is the weather in Paris?"},
                  {"role":"assistant","content":null,"reasoning_content":"I should call get_weather.",
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"Sunny, 24C"},
                  {"role":"assistant","content":"Il fait beau."}]}""").get("messages");

        assertEquals(parse("""
                [{"role":"system","content":"Be brief."},
                 {"role":"system","content":[{"type":"text","text":"Answer in French."}]},
                 {"role":"user","content":"What is the weather in Paris?"},
                 {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}],
                  "tool_plan":"I should call get_weather."},
                 {"role":"tool","tool_call_id":"call_1","content":"Sunny, 24C"},
                 {"role":"assistant","content":"Il fait beau."}]"""), messages);
    }

    @Test
    void anAnswersToolPlanGoesBackAsSentAndReasoningWithoutToolCallsIsDroppedAndListed() throws Exception {
        CohereRequest t = translate("""
                {"model":"m","messages":[
                  {"role":"user","content":"Hi"},
                  {"role":"assistant","content":"Hello","reasoning_content":"thinking...","name":"bot"},
                  {"role":"assistant","tool_plan":"I will look it up.","reasoning_content":"also thinking",
                   "tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":""}}]}]}""");

        JsonNode messages = t.body().get("messages");
        assertFalse(messages.get(1).has("tool_plan"));
        assertEquals("I will look it up.", messages.get(2).get("tool_plan").asText());
        assertEquals("{}", messages.get(2).get("tool_calls").get(0).get("function").get("arguments").asText(),
                "empty arguments are an empty object");
        assertEquals(List.of("messages[].name", "messages[].reasoning_content"), t.droppedParams());
    }

    @Test
    void imagesBecomeCoheresImageUrlItemsFromHttpAndBase64DataUrls() throws Exception {
        JsonNode content = body("""
                {"model":"command-a-vision-07-2025","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}]}""")
                .get("messages").get(0).get("content");

        assertEquals(parse("""
                [{"type":"text","text":"What is this?"},
                 {"type":"image_url","image_url":{"url":"https://example.com/cat.png","detail":"low"}},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]"""), content);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://example.com/a.png\"}} | messages[0].content[0].image_url.url",
            "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:application/pdf;base64,JVBERi0=\"}} | messages[0].content[0].image_url.url",
            "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}} | messages[0].content[0].type",
            "{\"type\":\"file\",\"file\":{\"file_id\":\"file-1\"}} | messages[0].content[0].type"})
    void contentCohereCannotTakeIsRefusedNamingThePart(String part, String param) {
        TranslationException e = refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[" + part + "]}]}");

        assertEquals(400, e.status());
        assertEquals(param, e.param());
    }

    @Test
    void samplingParametersAreCoheresWithTopPAsPAndValuesOutOfRangeClampedAndListed() throws Exception {
        CohereRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"max_tokens":50,"max_completion_tokens":80,
                 "temperature":0.7,"top_p":1,"top_k":40,"seed":42,"frequency_penalty":0.5,"presence_penalty":-1,
                 "stop":["END","STOP"]}""");

        JsonNode body = reparsed(t.body());
        assertEquals(80, body.get("max_tokens").intValue(), "max_completion_tokens wins");
        assertEquals(0.7, body.get("temperature").doubleValue());
        assertEquals(0.99, body.get("p").doubleValue());
        assertEquals(40, body.get("k").intValue());
        assertEquals(42, body.get("seed").intValue());
        assertEquals(0.5, body.get("frequency_penalty").doubleValue());
        assertEquals(0.0, body.get("presence_penalty").doubleValue());
        assertEquals(parse("[\"END\",\"STOP\"]"), body.get("stop_sequences"));
        assertFalse(body.has("top_p"));
        assertEquals(List.of("top_p", "presence_penalty"), t.droppedParams());
        assertEquals(parse("[\"END\"]"), body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"stop":"END"}""").get("stop_sequences"));
    }

    @Test
    void toolsAreCopiedAndToolChoiceBecomesRequiredOrNone() throws Exception {
        String tools = """
                "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}},
                 {"type":"function","function":{"name":"get_time"}}]""";
        JsonNode body = body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + tools
                + ",\"tool_choice\":\"required\"}");

        assertEquals(parse("""
                [{"type":"function","function":{"name":"get_weather","description":"Weather",
                  "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
                 {"type":"function","function":{"name":"get_time"}}]"""), body.get("tools"));
        assertTrue(body.get("strict_tools").booleanValue());
        assertEquals("REQUIRED", body.get("tool_choice").asText());
        assertEquals("NONE", body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + tools
                + ",\"tool_choice\":\"none\"}").get("tool_choice").asText());
        assertFalse(body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]," + tools
                + ",\"tool_choice\":\"auto\"}").has("tool_choice"));
    }

    @Test
    void aNamedToolChoiceIsRequiredWithOnlyThatTool() throws Exception {
        JsonNode body = body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],
                 "tools":[{"type":"function","function":{"name":"a"}},{"type":"function","function":{"name":"b"}}],
                 "tool_choice":{"type":"function","function":{"name":"b"}}}""");

        assertEquals("REQUIRED", body.get("tool_choice").asText());
        assertEquals(1, body.get("tools").size());
        assertEquals("b", body.get("tools").get(0).get("function").get("name").asText());
        assertEquals("tool_choice.function.name", refused("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],
                 "tools":[{"type":"function","function":{"name":"a"}}],
                 "tool_choice":{"type":"function","function":{"name":"zzz"}}}""").param());
    }

    @Test
    void responseFormatsBecomeCoheresJsonObjectWithTheSchema() throws Exception {
        assertEquals(parse("{\"type\":\"json_object\"}"), body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}""")
                .get("response_format"));
        assertEquals(parse("""
                {"type":"json_object","json_schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}"""),
                body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"thing","strict":true,
                   "schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}}}""")
                        .get("response_format"));
        assertFalse(body("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"text"}}""")
                .has("response_format"));
    }

    @ParameterizedTest
    @CsvSource({"none, {\"type\":\"disabled\"}", "minimal, {\"type\":\"disabled\"}",
            "low, '{\"type\":\"enabled\",\"token_budget\":1024}'", "high, '{\"type\":\"enabled\",\"token_budget\":16384}'"})
    void reasoningEffortBecomesThinking(String effort, String thinking) throws Exception {
        assertEquals(parse(thinking), body("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"reasoning_effort\":\"" + effort + "\"}").get("thinking"));
    }

    @Test
    void coheresOwnThinkingWinsOverReasoningEffortWhichIsListed() throws Exception {
        CohereRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"high",
                 "thinking":{"type":"enabled","token_budget":500},"safety_mode":"STRICT"}""");

        assertEquals(parse("{\"type\":\"enabled\",\"token_budget\":500}"), reparsed(t.body()).get("thinking"));
        assertEquals("STRICT", t.body().get("safety_mode").asText());
        assertEquals(List.of("reasoning_effort"), t.droppedParams());
    }

    @Test
    void parametersWithoutCohereEquivalentAreListedUnlessTheyChangeNothing() throws Exception {
        CohereRequest t = translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"user":"u1","logprobs":true,"top_logprobs":2,
                 "logit_bias":{"50256":-100},"parallel_tool_calls":false,"store":false,"n":1,"service_tier":null}""");

        assertEquals(List.of("user", "logprobs", "top_logprobs", "logit_bias", "parallel_tool_calls"), t.droppedParams());
        assertEquals("user, logprobs, top_logprobs, logit_bias, parallel_tool_calls", t.droppedParamsHeader());
        assertEquals(List.of(), translate("""
                {"model":"m","messages":[{"role":"user","content":"Hi"}],"parallel_tool_calls":true}""").droppedParams());
    }

    @Test
    void cacheControlMarkersHaveNoCohereFormAndAreDroppedAndListedOnce() throws Exception {
        CohereRequest t = translate("""
                {"model":"m","messages":[
                  {"role":"system","content":[{"type":"text","text":"Long rules","cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":"Hi","cache_control":{"type":"ephemeral"}}]}""");

        assertEquals(List.of("cache_control"), t.droppedParams());
        assertEquals(parse("[{\"type\":\"text\",\"text\":\"Long rules\"}]"), t.body().get("messages").get(0).get("content"));
        assertFalse(t.body().toString().contains("cache_control"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"n\":2 | n",
            "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"} | audio",
            "\"modalities\":[\"text\",\"audio\"] | modalities",
            "\"functions\":[{\"name\":\"f\"}] | functions",
            "\"tool_choice\":\"required\" | tool_choice",
            "\"reasoning_effort\":\"extreme\" | reasoning_effort",
            "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}} | response_format.json_schema.schema",
            "\"max_tokens\":0 | max_tokens",
            "\"tools\":[{\"type\":\"web_search\"}] | tools[0].type"})
    void requestsCohereCannotServeAreRefusedNamingTheParameter(String field, String param) {
        TranslationException e = refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + field + "}");

        assertEquals(400, e.status());
        assertEquals(param, e.param());
    }

    @Test
    void malformedMessagesAreRefused() {
        assertEquals("messages", refused("{\"model\":\"m\",\"messages\":[]}").param());
        assertEquals("messages[0].role", refused("""
                {"model":"m","messages":[{"role":"function","name":"f","content":"x"}]}""").param());
        assertEquals("messages[0].tool_call_id", refused("""
                {"model":"m","messages":[{"role":"tool","content":"x"}]}""").param());
        assertEquals("model", refused("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}").param());
    }
}
