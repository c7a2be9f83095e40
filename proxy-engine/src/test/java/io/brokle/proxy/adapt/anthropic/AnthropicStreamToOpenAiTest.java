package io.brokle.proxy.adapt.anthropic;

import static io.brokle.proxy.testing.TestJson.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.testing.TestJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnthropicStreamToOpenAiTest {
    private static final long CREATED = 1_700_000_000L;

    /** Every chunk the translator returns for {@code recorded}, in order. */
    private static List<String> translate(String recorded, ReplyOptions reply) {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(reply, CREATED);
        List<String> chunks = new ArrayList<>();
        for (Map.Entry<String, String> event : SseText.parse(recorded)) {
            chunks.addAll(stream.feed(event.getKey(), event.getValue()));
        }
        return chunks;
    }

    private static JsonNode delta(String chunk) {
        return parse(chunk).get("choices").get(0).get("delta");
    }

    @Test
    void aTextStreamBecomesARoleChunkTextChunksAndAFinishChunk() {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(ReplyOptions.PLAIN, CREATED);
        List<String> chunks = new ArrayList<>();
        for (Map.Entry<String, String> event : SseText.parse(RecordedStreams.ANTHROPIC_TEXT)) {
            chunks.addAll(stream.feed(event.getKey(), event.getValue()));
        }

        assertEquals(List.of(
                parse("""
                        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion.chunk","created":1700000000,
                         "model":"claude-sonnet-4-5-20250929","choices":[{"index":0,
                         "delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}"""),
                parse("""
                        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion.chunk","created":1700000000,
                         "model":"claude-sonnet-4-5-20250929","choices":[{"index":0,
                         "delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}"""),
                parse("""
                        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion.chunk","created":1700000000,
                         "model":"claude-sonnet-4-5-20250929","choices":[{"index":0,
                         "delta":{"content":"! How can I help you today?"},"logprobs":null,"finish_reason":null}]}"""),
                parse("""
                        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion.chunk","created":1700000000,
                         "model":"claude-sonnet-4-5-20250929","choices":[{"index":0,
                         "delta":{},"logprobs":null,"finish_reason":"stop"}]}""")),
                TestJson.parseAll(chunks));
        assertTrue(stream.completed());
        assertFalse(stream.failed());
        assertEquals("stop", stream.finishReason());
        assertEquals(new TokenUsage(25, 12, 2048, 0), stream.usage());
    }

    @Test
    void toolCallsStreamAsOpenAiStreamsThemWithIdAndNameFirstThenArgumentFragments() {
        List<String> chunks = translate(RecordedStreams.ANTHROPIC_TOOL_USE, ReplyOptions.PLAIN);

        List<JsonNode> toolDeltas = chunks.stream().map(AnthropicStreamToOpenAiTest::delta)
                .filter(d -> d.has("tool_calls")).toList();
        assertEquals(parse("""
                {"tool_calls":[{"index":0,"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","type":"function",
                                "function":{"name":"get_weather","arguments":""}}]}"""), toolDeltas.get(0));
        assertEquals(parse("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\"}}]}"),
                toolDeltas.get(1), "later deltas carry only the index and an argument fragment");
        assertEquals(parse("""
                {"tool_calls":[{"index":1,"id":"toolu_01DpN3f1kVuQX7DmSeKgXb9E","type":"function",
                                "function":{"name":"get_time","arguments":""}}]}"""), toolDeltas.get(5));
        assertEquals(8, toolDeltas.size(), "empty input_json_delta fragments are not sent");

        JsonNode completion = Assemble.openAiCompletion(chunks);
        JsonNode calls = completion.get("choices").get(0).get("message").get("tool_calls");
        assertEquals("{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}",
                calls.get(0).get("function").get("arguments").asText(),
                "the fragments concatenate to exactly the input JSON Anthropic streamed");
        assertEquals(parse("{\"timezone\":\"America/Los_Angeles\"}"),
                parse(calls.get(1).get("function").get("arguments").asText()));
        assertEquals("Okay, let's check the weather and the time in San Francisco:",
                completion.get("choices").get(0).get("message").get("content").asText());
        assertEquals("tool_calls", completion.get("choices").get(0).get("finish_reason").asText());
    }

    @Test
    void thinkingStreamsAsReasoningContentThenTheWholeBlockWithItsSignature() {
        List<String> chunks = translate(RecordedStreams.ANTHROPIC_THINKING, ReplyOptions.PLAIN);

        assertEquals(parse("{\"reasoning_content\":\"Let me solve this step by step:\\n\\n1. First break down 27 * 453\"}"),
                delta(chunks.get(1)));
        assertEquals(parse("""
                {"thinking_blocks":[{"type":"thinking",
                  "thinking":"Let me solve this step by step:\\n\\n1. First break down 27 * 453\\n2. 453 = 400 + 50 + 3",
                  "signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"}]}"""), delta(chunks.get(3)));
        JsonNode message = Assemble.openAiCompletion(chunks).get("choices").get(0).get("message");
        assertEquals("27 * 453 = 12,231", message.get("content").asText());
        assertEquals("Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3",
                message.get("reasoning_content").asText());
    }

    @Test
    void aUsageChunkComesLastWhenAskedAndEveryChunkBeforeItHasNullUsage() {
        List<String> chunks = translate(RecordedStreams.ANTHROPIC_TOOL_USE, new ReplyOptions(null, true));

        JsonNode last = parse(chunks.getLast());
        assertEquals(parse("[]"), last.get("choices"));
        assertEquals(parse("""
                {"prompt_tokens":1496,"completion_tokens":89,"total_tokens":1585,
                 "prompt_tokens_details":{"cached_tokens":0,"cache_creation_tokens":1024}}"""), last.get("usage"));
        for (String chunk : chunks.subList(0, chunks.size() - 1)) {
            assertTrue(parse(chunk).get("usage").isNull(), chunk);
        }
        for (String chunk : translate(RecordedStreams.ANTHROPIC_TOOL_USE, ReplyOptions.PLAIN)) {
            assertFalse(parse(chunk).has("usage"), "no usage without include_usage: " + chunk);
        }
    }

    @Test
    void theResponseFormatToolStreamsAsContent() {
        String recorded = """
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_j","type":"message","role":"assistant","content":[],"model":"c","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_j","name":"person","input":{}}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"name\\": "}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"\\"Ada\\"}"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}}

                event: message_stop
                data: {"type":"message_stop"}
                """;

        JsonNode completion = Assemble.openAiCompletion(translate(recorded, new ReplyOptions("person", false)));

        JsonNode choice = completion.get("choices").get(0);
        assertEquals("{\"name\": \"Ada\"}", choice.get("message").get("content").asText());
        assertFalse(choice.get("message").has("tool_calls"));
        assertEquals("stop", choice.get("finish_reason").asText());
    }

    @Test
    void anErrorEventEndsTheStreamWithATerminalOpenAiError() {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(ReplyOptions.PLAIN, CREATED);
        List<String> chunks = new ArrayList<>();
        for (Map.Entry<String, String> event : SseText.parse(RecordedStreams.ANTHROPIC_OVERLOADED_MIDWAY)) {
            chunks.addAll(stream.feed(event.getKey(), event.getValue()));
        }

        assertEquals(parse("""
                {"error":{"message":"Overloaded","type":"overloaded_error","param":null,"code":"overloaded"}}"""),
                parse(chunks.getLast()));
        assertTrue(stream.failed());
        assertFalse(stream.completed());
        assertEquals(List.of(), stream.feed("message_stop", "{\"type\":\"message_stop\"}"),
                "nothing follows a terminal error");
    }

    @Test
    void aMalformedEventEndsTheStreamAsUpstreamMalformed() {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(ReplyOptions.PLAIN, CREATED);

        List<String> out = stream.feed("content_block_delta", "{\"type\":\"content_block_delta\",");

        assertEquals("upstream_malformed", parse(out.getFirst()).get("error").get("code").asText());
        assertTrue(stream.failed());
    }

    @Test
    void pingsUnknownEventsAndUnknownDeltasSayNothing() {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(ReplyOptions.PLAIN, CREATED);
        stream.feed("message_start", """
                {"type":"message_start","message":{"id":"m","model":"c","usage":{"input_tokens":1}}}""");
        stream.feed("content_block_start", """
                {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");

        assertEquals(List.of(), stream.feed("ping", "{\"type\": \"ping\"}"));
        assertEquals(List.of(), stream.feed("future_event", "{\"type\":\"future_event\",\"x\":1}"));
        assertEquals(List.of(), stream.feed("content_block_delta", """
                {"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}"""));
        assertFalse(stream.completed());
    }

    @Test
    void streamedAndWholeTranslationsOfTheSameAnswerAgree() throws Exception {
        for (String recorded : List.of(RecordedStreams.ANTHROPIC_TEXT, RecordedStreams.ANTHROPIC_TOOL_USE,
                RecordedStreams.ANTHROPIC_THINKING)) {
            ObjectNode message = Assemble.anthropicMessage(SseText.parse(recorded));
            JsonNode whole = AnthropicToOpenAiResponse.translate(message, ReplyOptions.PLAIN, CREATED);
            JsonNode streamed = Assemble.openAiCompletion(translate(recorded, new ReplyOptions(null, true)));

            ObjectNode wholeMessage = whole.get("choices").get(0).get("message").deepCopy();
            wholeMessage.remove("refusal");
            assertEquals(withParsedArguments(wholeMessage),
                    withParsedArguments(streamed.get("choices").get(0).get("message").deepCopy()), recorded);
            assertEquals(whole.get("choices").get(0).get("finish_reason"),
                    streamed.get("choices").get(0).get("finish_reason"));
            assertEquals(TestJson.reparsed(whole.get("usage")), streamed.get("usage"));
            assertEquals(whole.get("id"), streamed.get("id"));
        }
    }

    /** Tool-call arguments are the same JSON whether compact (whole) or as streamed (with spaces). */
    private static JsonNode withParsedArguments(ObjectNode message) {
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode function = (ObjectNode) call.get("function");
            function.set("arguments", parse(function.get("arguments").asText()));
        }
        return message;
    }

    @Test
    void aRedactedThinkingBlockIsPassedOnWhole() {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(ReplyOptions.PLAIN, CREATED);
        stream.feed("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\"}}");

        List<String> out = stream.feed("content_block_start", """
                {"type":"content_block_start","index":0,"content_block":{"type":"redacted_thinking","data":"EmwKAhgB"}}""");

        assertEquals(parse("{\"thinking_blocks\":[{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgB\"}]}"),
                delta(out.getFirst()));
        assertNull(stream.finishReason());
    }

    @Test
    void theEventNameIsUsedWhenTheDataHasNoType() {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(ReplyOptions.PLAIN, CREATED);

        List<String> out = stream.feed("message_start", "{\"message\":{\"id\":\"m\",\"model\":\"c\"}}");

        assertEquals("assistant", delta(out.getFirst()).get("role").asText());
    }
}
