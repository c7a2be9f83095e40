package io.brokle.proxy.adapt.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.proxy.adapt.TranslationException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OpenAiToGeminiRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenAiToGeminiRequest REQUESTS = new OpenAiToGeminiRequest();

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static GeminiRequest translate(String json) throws TranslationException {
        return REQUESTS.translate(parse(json), "gemini-2.5-flash");
    }

    @Test
    void systemAndDeveloperMessagesBecomeTheSystemInstructionAndRolesBecomeUserAndModel() throws Exception {
        GeminiRequest r = translate("""
                {"model":"gemini","messages":[
                  {"role":"system","content":"Be brief."},
                  {"role":"user","content":"Hi"},
                  {"role":"assistant","content":"Hello!"},
                  {"role":"developer","content":[{"type":"text","text":"No emojis."}]},
                  {"role":"user","content":[{"type":"text","text":"And now?"}]}]}""");

        assertEquals(parse("""
                {"contents":[
                  {"role":"user","parts":[{"text":"Hi"}]},
                  {"role":"model","parts":[{"text":"Hello!"}]},
                  {"role":"user","parts":[{"text":"And now?"}]}],
                 "systemInstruction":{"parts":[{"text":"Be brief."},{"text":"No emojis."}]}}"""), r.body());
        assertFalse(r.stream());
        assertEquals(1, r.candidates());
        assertEquals(List.of(), r.droppedParams());
    }

    @Test
    void samplingParametersGoToGenerationConfig() throws Exception {
        GeminiRequest r = translate("""
                {"model":"gemini","stream":true,"max_tokens":10,"max_completion_tokens":300,"temperature":1.5,
                 "top_p":0.9,"top_k":40,"seed":7,"n":2,"presence_penalty":0.5,"frequency_penalty":-0.5,
                 "stop":["END","STOP"],"messages":[{"role":"user","content":"Hi"}]}""");

        assertEquals(parse("""
                {"maxOutputTokens":300,"temperature":1.5,"topP":0.9,"topK":40,"presencePenalty":0.5,
                 "frequencyPenalty":-0.5,"seed":7,"candidateCount":2,"stopSequences":["END","STOP"]}"""),
                r.body().get("generationConfig"));
        assertTrue(r.stream());
        assertEquals(2, r.candidates());
        assertEquals(parse("[\"END\"]"), translate("""
                {"model":"gemini","stop":"END","messages":[{"role":"user","content":"Hi"}]}""")
                .body().at("/generationConfig/stopSequences"));
    }

    @Test
    void imagesAudioAndFilesBecomeInlineDataAndFileApiUrisFileData() throws Exception {
        GeminiRequest r = translate("""
                {"model":"gemini","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is in these?"},
                  {"type":"image_url","image_url":{"url":"data:image/PNG;base64,iVBORw0K","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"https://generativelanguage.googleapis.com/v1beta/files/abc123"}},
                  {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                  {"type":"file","file":{"file_data":"data:application/pdf;base64,JVBERi0x","filename":"a.pdf"}}]}]}""");

        assertEquals(parse("""
                [{"text":"What is in these?"},
                 {"inlineData":{"mimeType":"image/png","data":"iVBORw0K"}},
                 {"fileData":{"fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc123"}},
                 {"inlineData":{"mimeType":"audio/wav","data":"UklGRg=="}},
                 {"inlineData":{"mimeType":"application/pdf","data":"JVBERi0x"}}]"""), r.body().at("/contents/0/parts"));
        assertEquals(List.of("messages[].content[].image_url.detail"), r.droppedParams());
    }

    @Test
    void webImageUrlsAndOpenAiFileIdsAreRefusedNamingTheField() {
        TranslationException url = assertThrows(TranslationException.class, () -> translate("""
                {"model":"gemini","messages":[{"role":"user","content":"x"},{"role":"user","content":[
                  {"type":"text","text":"look"},{"type":"image_url","image_url":{"url":"http://example.com/a.png"}}]}]}"""));
        assertEquals(400, url.status());
        assertEquals("messages[1].content[1].image_url.url", url.param());
        assertTrue(url.getMessage().contains("does not download"), url.getMessage());

        TranslationException file = assertThrows(TranslationException.class, () -> translate("""
                {"model":"gemini","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-1"}}]}]}"""));
        assertEquals("messages[0].content[0].file.file_id", file.param());
    }

    @Test
    void toolsBecomeFunctionDeclarationsWithTheirJsonSchemaAsIs() throws Exception {
        GeminiRequest r = translate("""
                {"model":"gemini","messages":[{"role":"user","content":"Hi"}],"tools":[
                  {"type":"function","function":{"name":"get_weather","description":"Weather","strict":true,
                   "parameters":{"type":"object","properties":{"city":{"type":"string","format":"city"}},
                                 "required":["city"],"additionalProperties":false,"$defs":{}}}},
                  {"type":"function","function":{"name":"now"}}]}""");

        assertEquals(parse("""
                [{"functionDeclarations":[
                  {"name":"get_weather","description":"Weather","parametersJsonSchema":{"type":"object",
                   "properties":{"city":{"type":"string","format":"city"}},"required":["city"],
                   "additionalProperties":false,"$defs":{}}},
                  {"name":"now"}]}]"""), r.body().get("tools"));
        assertEquals(List.of("tools[].function.strict"), r.droppedParams());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "none"                                           | {"functionCallingConfig":{"mode":"NONE"}}
            "auto"                                           | {"functionCallingConfig":{"mode":"AUTO"}}
            "required"                                       | {"functionCallingConfig":{"mode":"ANY"}}
            {"type":"function","function":{"name":"now"}}    | {"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["now"]}}
            """)
    void toolChoiceBecomesTheFunctionCallingMode(String choice, String expected) throws Exception {
        GeminiRequest r = translate("{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"now\"}}],\"tool_choice\":" + choice + "}");

        assertEquals(parse(expected), r.body().get("toolConfig"));
    }

    @Test
    void parallelToolCallsFalseIsDroppedAndAToolChoiceWithoutToolsIsRefused() throws Exception {
        assertEquals(List.of("parallel_tool_calls"), translate("""
                {"model":"g","messages":[{"role":"user","content":"Hi"}],"parallel_tool_calls":false,
                 "tools":[{"type":"function","function":{"name":"now"}}]}""").droppedParams());
        assertEquals("tool_choice", assertThrows(TranslationException.class, () -> translate("""
                {"model":"g","messages":[{"role":"user","content":"Hi"}],"tool_choice":"required"}""")).param());
        assertNull(translate("""
                {"model":"g","messages":[{"role":"user","content":"Hi"}],"tool_choice":"none"}""").body().get("toolConfig"));
    }

    @Test
    void toolCallsAndResultsBecomeFunctionCallsAndResponsesNamedAfterTheirCall() throws Exception {
        GeminiRequest r = translate("""
                {"model":"g","messages":[
                  {"role":"user","content":"Weather in Paris and Rome?"},
                  {"role":"assistant","content":null,"reasoning_content":"thinking...","tool_calls":[
                    {"id":"call_0123456789abcdef01234567","type":"function",
                     "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},
                     "extra_content":{"google":{"thought_signature":"c2ln"}}},
                    {"id":"gemini-id-2","type":"function","function":{"name":"get_weather","arguments":""}}]},
                  {"role":"tool","tool_call_id":"call_0123456789abcdef01234567","content":"{\\"temp\\":21}"},
                  {"role":"tool","tool_call_id":"gemini-id-2","content":[{"type":"text","text":"sunny"}]},
                  {"role":"user","content":"Thanks"}]}""");

        assertEquals(parse("""
                [{"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]},
                 {"role":"model","parts":[
                   {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"},
                   {"functionCall":{"id":"gemini-id-2","name":"get_weather","args":{}}}]},
                 {"role":"user","parts":[
                   {"functionResponse":{"name":"get_weather","response":{"temp":21}}},
                   {"functionResponse":{"id":"gemini-id-2","name":"get_weather","response":{"output":"sunny"}}},
                   {"text":"Thanks"}]}]"""), r.body().get("contents"));
        assertEquals(List.of("messages[].reasoning_content"), r.droppedParams());
    }

    @Test
    void aToolResultWithoutItsCallIsRefused() {
        TranslationException e = assertThrows(TranslationException.class, () -> translate("""
                {"model":"g","messages":[{"role":"user","content":"Hi"},
                  {"role":"tool","tool_call_id":"call_x","content":"42"}]}"""));
        assertEquals("messages[1].tool_call_id", e.param());
    }

    @Test
    void responseFormatBecomesTheResponseMimeTypeAndSchema() throws Exception {
        assertEquals(parse("{\"responseMimeType\":\"application/json\"}"), translate("""
                {"model":"g","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}""")
                .body().get("generationConfig"));
        assertEquals(parse("""
                {"responseMimeType":"application/json","responseJsonSchema":{"type":"object",
                 "properties":{"name":{"type":"string"}},"required":["name"]}}"""), translate("""
                {"model":"g","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"person","strict":true,"schema":{"type":"object",
                 "properties":{"name":{"type":"string"}},"required":["name"]}}}}""").body().get("generationConfig"));
        assertNull(translate("""
                {"model":"g","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"text"}}""")
                .body().get("generationConfig"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            gemini-2.5-flash        | low     | {"thinkingBudget":1024,"includeThoughts":true}
            gemini-2.5-pro          | high    | {"thinkingBudget":24576,"includeThoughts":true}
            models/gemini-2.5-flash | none    | {"thinkingBudget":0}
            gemini-3-pro-preview    | high    | {"thinkingLevel":"high","includeThoughts":true}
            gemini-3-flash-preview  | medium  | {"thinkingLevel":"medium","includeThoughts":true}
            gemini-3-flash-preview  | none    | {"thinkingLevel":"minimal","includeThoughts":true}
            """)
    void reasoningEffortBecomesABudgetForGemini2AndALevelForLaterModels(String model, String effort, String expected)
            throws Exception {
        GeminiRequest r = REQUESTS.translate(parse("{\"model\":\"g\",\"reasoning_effort\":\"" + effort
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"), model);

        assertEquals(parse(expected), r.body().at("/generationConfig/thinkingConfig"));
    }

    @Test
    void geminisOwnThinkingConfigWins() throws Exception {
        assertEquals(parse("{\"thinkingBudget\":-1,\"includeThoughts\":true}"), translate("""
                {"model":"g","reasoning_effort":"low","thinkingConfig":{"thinkingBudget":-1,"includeThoughts":true},
                 "messages":[{"role":"user","content":"Hi"}]}""").body().at("/generationConfig/thinkingConfig"));
    }

    @Test
    void parametersWithoutGeminiEquivalentAreDroppedAndListedUnlessTheyChangeNothing() throws Exception {
        GeminiRequest r = translate("""
                {"model":"g","messages":[{"role":"user","content":"Hi","name":"ann"},
                  {"role":"user","content":[{"type":"text","text":"x","cache_control":{"type":"ephemeral"}}]}],
                 "logprobs":true,"top_logprobs":3,
                 "user":"u1","logit_bias":{"1":5},"store":false,"service_tier":null,"stream_options":{"include_usage":true}}""");

        assertEquals(List.of("logprobs", "top_logprobs", "user", "logit_bias", "messages[].name", "cache_control"),
                r.droppedParams());
        assertEquals("logprobs, top_logprobs, user, logit_bias, messages[].name, cache_control", r.droppedParamsHeader());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"model":"g","messages":[]}                                                                 | messages
            {"model":"g","messages":[{"role":"system","content":"only"}]}                                | messages
            {"model":"g","messages":[{"role":"function","content":"x"}]}                                 | messages[0].role
            {"model":"g","audio":{"voice":"alloy"},"messages":[{"role":"user","content":"x"}]}           | audio
            {"model":"g","modalities":["text","audio"],"messages":[{"role":"user","content":"x"}]}       | modalities
            {"model":"g","functions":[{"name":"f"}],"messages":[{"role":"user","content":"x"}]}          | functions
            {"model":"g","n":9,"messages":[{"role":"user","content":"x"}]}                               | n
            {"model":"g","max_tokens":0,"messages":[{"role":"user","content":"x"}]}                      | max_tokens
            {"model":"g","reasoning_effort":"extreme","messages":[{"role":"user","content":"x"}]}        | reasoning_effort
            {"model":"g","response_format":{"type":"xml"},"messages":[{"role":"user","content":"x"}]}    | response_format.type
            {"model":"g","tools":[{"type":"web_search"}],"messages":[{"role":"user","content":"x"}]}     | tools[0].type
            """)
    void requestsGeminiCannotServeAreRefusedNamingTheField(String json, String param) {
        TranslationException e = assertThrows(TranslationException.class, () -> translate(json));
        assertEquals(400, e.status());
        assertEquals(param, e.param());
    }
}
