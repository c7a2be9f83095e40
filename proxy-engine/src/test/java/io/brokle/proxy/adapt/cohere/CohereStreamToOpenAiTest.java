package io.brokle.proxy.adapt.cohere;

import static io.brokle.proxy.testing.TestJson.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cohere v2 stream events, as its API reference shows them, through the translator. */
class CohereStreamToOpenAiTest {
    private static final String START = """
            {"id":"29f14a5a-11de-4cae-9800-25e4747408ea","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}""";
    private static final String END = """
            {"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":3,"output_tokens":4},"tokens":{"input_tokens":69,"output_tokens":4}}}}""";

    private static List<JsonNode> feed(CohereStreamToOpenAi stream, String... events) {
        List<JsonNode> out = new ArrayList<>();
        for (String event : events) {
            String name = parse(event).get("type").asText();
            stream.feed(name, event).forEach(chunk -> out.add(parse(chunk)));
        }
        return out;
    }

    @Test
    void textStreamsAsContentDeltasThenFinishThenUsage() {
        CohereStreamToOpenAi stream = new CohereStreamToOpenAi("command-a-03-2025", 1_700_000_000L, true);
        List<JsonNode> chunks = feed(stream, START,
                """
                {"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}""",
                """
                {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hello"}}},"logprobs":null}""",
                """
                {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":" world"}}},"logprobs":null}""",
                """
                {"type":"content-end","index":0}""", END);

        assertEquals(5, chunks.size(), chunks.toString());
        assertEquals(parse("""
                {"id":"29f14a5a-11de-4cae-9800-25e4747408ea","object":"chat.completion.chunk","created":1700000000,
                 "model":"command-a-03-2025","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},
                 "logprobs":null,"finish_reason":null}],"usage":null}"""), chunks.get(0));
        assertEquals("Hello", chunks.get(1).get("choices").get(0).get("delta").get("content").asText());
        assertEquals(" world", chunks.get(2).get("choices").get(0).get("delta").get("content").asText());
        assertEquals("stop", chunks.get(3).get("choices").get(0).get("finish_reason").asText());
        assertEquals(parse("{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}"), chunks.get(4).get("usage"));
        assertTrue(chunks.get(4).get("choices").isEmpty());
        assertTrue(stream.completed());
        assertFalse(stream.failed());
        assertEquals(new CohereUsage(3, 4), stream.usage());
    }

    @Test
    void withoutUsageAskedThereIsNoUsageChunkAndNoUsageField() {
        List<JsonNode> chunks = feed(new CohereStreamToOpenAi("m", 1, false), START, END);

        assertEquals(2, chunks.size());
        chunks.forEach(chunk -> assertFalse(chunk.has("usage"), chunk.toString()));
    }

    @Test
    void toolCallsStreamWithIdAndNameFirstThenArgumentFragmentsAndThePlanAsReasoning() {
        CohereStreamToOpenAi stream = new CohereStreamToOpenAi("m", 1, false);
        List<JsonNode> chunks = feed(stream, START,
                """
                {"type":"tool-plan-delta","delta":{"message":{"tool_plan":"I will"}}}""",
                """
                {"type":"tool-plan-delta","delta":{"message":{"tool_plan":" check."}}}""",
                """
                {"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"get_weather_nsz5zm3w56q3","type":"function","function":{"name":"get_weather","arguments":""}}}}}""",
                """
                {"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"{\\n    \\""}}}}}""",
                """
                {"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"location\\": \\"Toronto\\"}"}}}}}""",
                """
                {"type":"tool-call-end","index":0}""",
                """
                {"type":"tool-call-start","index":1,"delta":{"message":{"tool_calls":{"id":"get_time_2","type":"function","function":{"name":"get_time","arguments":"{}"}}}}}""",
                """
                {"type":"tool-call-end","index":1}""",
                """
                {"type":"message-end","delta":{"finish_reason":"TOOL_CALL","usage":{"billed_units":{"input_tokens":37,"output_tokens":28}}}}""");

        StringBuilder reasoning = new StringBuilder();
        StringBuilder[] arguments = {new StringBuilder(), new StringBuilder()};
        List<String> starts = new ArrayList<>();
        String finish = null;
        for (JsonNode chunk : chunks) {
            JsonNode choice = chunk.get("choices").get(0);
            JsonNode delta = choice.get("delta");
            reasoning.append(delta.path("reasoning_content").asText(""));
            for (JsonNode call : delta.path("tool_calls")) {
                int index = call.get("index").asInt();
                if (call.has("id")) {
                    starts.add(index + ":" + call.get("id").asText() + ":" + call.get("function").get("name").asText());
                }
                arguments[index].append(call.get("function").get("arguments").asText());
            }
            if (!choice.get("finish_reason").isNull()) {
                finish = choice.get("finish_reason").asText();
            }
        }
        assertEquals("I will check.", reasoning.toString());
        assertEquals(List.of("0:get_weather_nsz5zm3w56q3:get_weather", "1:get_time_2:get_time"), starts);
        assertEquals(parse("{\"location\":\"Toronto\"}"), parse(arguments[0].toString()));
        assertEquals("{}", arguments[1].toString());
        assertEquals("tool_calls", finish);
        assertTrue(stream.completed());
    }

    @Test
    void thinkingStreamsAsReasoningContent() {
        List<JsonNode> chunks = feed(new CohereStreamToOpenAi("m", 1, false), START,
                """
                {"type":"content-start","index":0,"delta":{"message":{"content":{"type":"thinking","thinking":""}}}}""",
                """
                {"type":"content-delta","index":0,"delta":{"message":{"content":{"thinking":"Let me think."}}}}""",
                """
                {"type":"content-end","index":0}""", END);

        assertEquals("Let me think.", chunks.get(1).get("choices").get(0).get("delta").get("reasoning_content").asText());
        assertFalse(chunks.get(1).get("choices").get(0).get("delta").has("content"));
    }

    @Test
    void aMessageEndWithAnErrorIsTheTerminalErrorAndNothingFollows() {
        CohereStreamToOpenAi stream = new CohereStreamToOpenAi("m", 1, true);
        List<JsonNode> chunks = feed(stream, START, """
                {"type":"message-end","delta":{"error":"internal server error","finish_reason":"ERROR"}}""");

        JsonNode error = chunks.getLast();
        assertEquals("internal server error", error.get("error").get("message").asText());
        assertEquals("upstream_error", error.get("error").get("type").asText());
        assertTrue(stream.failed());
        assertFalse(stream.completed());
        assertTrue(stream.feed("message-end", END).isEmpty(), "nothing after the terminal error");
    }

    @Test
    void aTimeoutFinishIsATerminalTimeoutError() {
        CohereStreamToOpenAi stream = new CohereStreamToOpenAi("m", 1, false);
        List<JsonNode> chunks = feed(stream, START, """
                {"type":"message-end","delta":{"finish_reason":"TIMEOUT"}}""");

        assertEquals("upstream_timeout", chunks.getLast().get("error").get("code").asText());
        assertTrue(stream.failed());
    }

    @Test
    void aStreamCutBeforeMessageEndIsNeitherCompletedNorFailed() {
        CohereStreamToOpenAi stream = new CohereStreamToOpenAi("m", 1, true);
        feed(stream, START, """
                {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hel"}}}}""");

        assertFalse(stream.completed(), "the adapter must not send [DONE]");
        assertFalse(stream.failed());
    }

    @Test
    void anEventThatIsNotJsonFailsTheStream() {
        CohereStreamToOpenAi stream = new CohereStreamToOpenAi("m", 1, false);
        List<String> out = stream.feed("content-delta", "{not json");

        assertEquals("upstream_malformed", parse(out.getFirst()).get("error").get("code").asText());
        assertTrue(stream.failed());
    }

    @Test
    void citationsDebugAndUnknownEventsSayNothing() {
        CohereStreamToOpenAi stream = new CohereStreamToOpenAi("m", 1, false);
        feed(stream, START);

        assertTrue(stream.feed("citation-start", """
                {"type":"citation-start","index":0,"delta":{"message":{"citations":{"start":0,"end":5,"text":"Hello"}}}}""")
                .isEmpty());
        assertTrue(stream.feed("debug", "{\"type\":\"debug\",\"prompt\":\"...\"}").isEmpty());
        assertTrue(stream.feed("something-new", "{\"type\":\"something-new\"}").isEmpty());
    }
}
