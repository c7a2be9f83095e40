package io.brokle.proxy.adapt.gemini;

import static io.brokle.proxy.adapt.gemini.GeminiToOpenAiResponseTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiStreamToOpenAiTest {
    private static List<JsonNode> feedAll(GeminiStreamToOpenAi stream, String... events) {
        List<JsonNode> out = new ArrayList<>();
        for (String event : events) {
            for (String chunk : stream.feed(event)) {
                out.add("[DONE]".equals(chunk) ? null : parse(chunk));
            }
        }
        return out;
    }

    @Test
    void textStreamsAsOpenAiChunksThenFinishUsageAndDone() {
        GeminiStreamToOpenAi stream = new GeminiStreamToOpenAi("gemini-2.5-flash", 1700000000L, 1);
        List<String> raw = new ArrayList<>();
        raw.addAll(stream.feed("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}],
                 "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"r9"}"""));
        assertFalse(stream.completed());
        raw.addAll(stream.feed("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"lo"}]},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":2,"totalTokenCount":11},
                 "modelVersion":"gemini-2.5-flash","responseId":"r9"}"""));

        assertEquals(List.of(
                "{\"id\":\"chatcmpl-r9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gemini-2.5-flash\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                "{\"id\":\"chatcmpl-r9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gemini-2.5-flash\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                "{\"id\":\"chatcmpl-r9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gemini-2.5-flash\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
                "{\"id\":\"chatcmpl-r9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gemini-2.5-flash\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}",
                "{\"id\":\"chatcmpl-r9\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"gemini-2.5-flash\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}",
                "[DONE]"), raw);
        assertTrue(stream.completed());
        assertEquals(List.of(), stream.feed("{\"candidates\":[]}"), "nothing after the end");
    }

    @Test
    void toolCallsStreamWithIndexIdAndNameFirstThenTheirArguments() {
        GeminiStreamToOpenAi stream = new GeminiStreamToOpenAi("m", 1L, 1);
        List<JsonNode> out = feedAll(stream, """
                {"candidates":[{"content":{"parts":[{"text":"Checking.","thought":true}]}}],"responseId":"r"}""", """
                {"candidates":[{"content":{"parts":[
                   {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"c2ln"},
                   {"functionCall":{"name":"get_time","args":{}}}]},"finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":8,"thoughtsTokenCount":2}}""");

        assertEquals("Checking.", out.get(1).at("/choices/0/delta/reasoning_content").asText());
        assertEquals(parse("""
                {"tool_calls":[{"index":0,"id":"%s","type":"function","function":{"name":"get_weather","arguments":""},
                  "extra_content":{"google":{"thought_signature":"c2ln"}}}]}""".formatted(ToolCallIds.of(null, "r", 0, 0))),
                out.get(2).at("/choices/0/delta"));
        assertEquals(parse("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]}"),
                out.get(3).at("/choices/0/delta"));
        assertEquals(1, out.get(4).at("/choices/0/delta/tool_calls/0/index").asInt());
        assertEquals("get_time", out.get(4).at("/choices/0/delta/tool_calls/0/function/name").asText());
        assertEquals("{}", out.get(5).at("/choices/0/delta/tool_calls/0/function/arguments").asText());
        assertEquals("tool_calls", out.get(6).at("/choices/0/finish_reason").asText());
        assertEquals(10, out.get(7).at("/usage/completion_tokens").asInt());
        assertEquals(2, out.get(7).at("/usage/completion_tokens_details/reasoning_tokens").asInt());
        assertEquals(null, out.get(8), "[DONE]");
    }

    @Test
    void withSeveralCandidatesTheStreamEndsWhenEveryOneFinished() {
        GeminiStreamToOpenAi stream = new GeminiStreamToOpenAi("m", 1L, 2);
        feedAll(stream, """
                {"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"STOP","index":0},
                               {"content":{"parts":[{"text":"b"}]},"index":1}],"responseId":"r"}""");
        assertFalse(stream.completed());
        List<JsonNode> out = feedAll(stream, """
                {"candidates":[{"content":{"parts":[{"text":"c"}]},"finishReason":"MAX_TOKENS","index":1}],
                 "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":3}}""");

        assertEquals(1, out.get(0).at("/choices/0/index").asInt());
        assertEquals("length", out.get(1).at("/choices/0/finish_reason").asText());
        assertTrue(stream.completed());
    }

    @Test
    void aGoogleErrorEventEndsTheStreamWithATerminalOpenAiError() {
        GeminiStreamToOpenAi stream = new GeminiStreamToOpenAi("m", 1L, 1);
        feedAll(stream, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}],\"responseId\":\"r\"}");
        List<String> out = stream.feed("{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}");

        assertEquals(List.of("{\"error\":{\"message\":\"The model is overloaded.\",\"type\":\"server_error\",\"param\":null,"
                + "\"code\":\"overloaded\"}}"), out);
        assertTrue(stream.failed());
        assertFalse(stream.completed());
        assertEquals(List.of(), stream.feed("{\"candidates\":[]}"));
    }

    @Test
    void aBlockedPromptOrAMalformedEventEndsTheStreamWithATerminalError() {
        GeminiStreamToOpenAi blocked = new GeminiStreamToOpenAi("m", 1L, 1);
        JsonNode error = parse(blocked.feed("{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"}}").get(0));
        assertEquals("content_policy_violation", error.at("/error/code").asText());
        assertTrue(blocked.failed());

        GeminiStreamToOpenAi broken = new GeminiStreamToOpenAi("m", 1L, 1);
        assertEquals("upstream_malformed", parse(broken.feed("{not json").get(0)).at("/error/code").asText());
        assertTrue(broken.failed());
    }

    @Test
    void withoutTokenCountsThereIsNoUsageChunkRatherThanZeros() {
        GeminiStreamToOpenAi stream = new GeminiStreamToOpenAi("m", 1L, 1);
        List<String> out = stream.feed("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},"
                + "\"finishReason\":\"STOP\"}],\"responseId\":\"r\"}");

        assertEquals("[DONE]", out.get(out.size() - 1));
        assertFalse(out.stream().anyMatch(chunk -> chunk.contains("\"usage\":{")), out.toString());
        assertTrue(stream.completed());
    }

    @Test
    void aStreamThatStopsBeforeItsFinishReasonIsNeitherCompletedNorFailed() {
        GeminiStreamToOpenAi stream = new GeminiStreamToOpenAi("m", 1L, 1);
        List<String> out = stream.feed("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}],\"responseId\":\"r\"}");

        assertFalse(out.contains("[DONE]"));
        assertFalse(stream.completed());
        assertFalse(stream.failed());
    }
}
