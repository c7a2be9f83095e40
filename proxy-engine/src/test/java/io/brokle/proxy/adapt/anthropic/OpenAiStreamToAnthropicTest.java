package io.brokle.proxy.adapt.anthropic;

import static io.brokle.proxy.testing.TestJson.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiStreamToAnthropicTest {

    private static List<AnthropicEvent> translate(OpenAiStreamToAnthropic stream, String recorded) {
        List<AnthropicEvent> events = new ArrayList<>();
        for (String data : SseText.data(recorded)) {
            events.addAll(stream.feed(data));
        }
        return events;
    }

    private static List<String> names(List<AnthropicEvent> events) {
        return events.stream().map(AnthropicEvent::name).toList();
    }

    @Test
    void aTextStreamBecomesAnthropicsEventSequence() {
        OpenAiStreamToAnthropic stream = new OpenAiStreamToAnthropic();
        List<AnthropicEvent> events = translate(stream, RecordedStreams.OPENAI_TEXT);

        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "message_delta", "message_stop"), names(events));
        assertEquals(parse("""
                {"type":"message_start","message":{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","type":"message",
                 "role":"assistant","model":"gpt-4o-2024-08-06","content":[],"stop_reason":null,"stop_sequence":null,
                 "usage":{"input_tokens":0,"output_tokens":0}}}"""), parse(events.get(0).data()));
        assertEquals(parse("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
                parse(events.get(1).data()));
        assertEquals(parse("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}"),
                parse(events.get(2).data()));
        assertEquals(parse("""
                {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},
                 "usage":{"input_tokens":116,"cache_creation_input_tokens":0,"cache_read_input_tokens":1024,"output_tokens":10}}"""),
                parse(events.get(5).data()));
        assertEquals("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", events.get(6).toSse());
        assertTrue(stream.completed());
        assertEquals(new TokenUsage(116, 10, 1024, 0), stream.usage());
    }

    @Test
    void toolCallsBecomeToolUseBlocksWithInputJsonDeltas() {
        List<AnthropicEvent> events = translate(new OpenAiStreamToAnthropic(), RecordedStreams.OPENAI_TOOL_CALLS);

        assertEquals(parse("""
                {"type":"content_block_start","index":0,"content_block":{"type":"tool_use",
                 "id":"call_N8gyLkBz1BaRQnmwa6Z8e9Bt","name":"get_weather","input":{}}}"""), parse(events.get(1).data()));
        assertEquals(parse("""
                {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"lo"}}"""),
                parse(events.get(2).data()));
        JsonNode message = Assemble.anthropicMessage(Assemble.entries(events));
        assertEquals(parse("""
                [{"type":"tool_use","id":"call_N8gyLkBz1BaRQnmwa6Z8e9Bt","name":"get_weather","input":{"location":"Paris, France"}},
                 {"type":"tool_use","id":"call_5Qx2MoSHSvVvE4fTcJtoDw9q","name":"get_time","input":{"timezone":"Europe/Paris"}}]"""),
                message.get("content"));
        assertEquals("tool_use", message.get("stop_reason").asText());
        assertEquals(82, message.get("usage").get("input_tokens").intValue());
    }

    @Test
    void reasoningBecomesAThinkingBlockBeforeTheText() {
        JsonNode message = Assemble.anthropicMessage(Assemble.entries(
                translate(new OpenAiStreamToAnthropic(), RecordedStreams.OPENAI_REASONING)));

        assertEquals(parse("""
                [{"type":"thinking","thinking":"9.11 has a smaller fractional part.","signature":""},
                 {"type":"text","text":"9.9 is larger."}]"""), message.get("content"));
        assertEquals(30, message.get("usage").get("output_tokens").intValue());
    }

    @Test
    void anErrorEventEndsTheStream() {
        OpenAiStreamToAnthropic stream = new OpenAiStreamToAnthropic();
        stream.feed(SseText.data(RecordedStreams.OPENAI_TEXT).getFirst());

        List<AnthropicEvent> out = stream.feed("""
                {"error":{"message":"The provider's stream was cut off.","type":"upstream_error","param":null,"code":"upstream_truncated"}}""");

        assertEquals("error", out.getLast().name());
        assertEquals(parse("""
                {"type":"error","error":{"type":"api_error","message":"The provider's stream was cut off."}}"""),
                parse(out.getLast().data()));
        assertTrue(stream.failed());
        assertEquals(List.of(), stream.feed("[DONE]"));
    }

    @Test
    void aStreamCutBeforeItsFinishReasonEndsWithAnErrorAndOneWithoutDoneStillCompletes() {
        List<String> data = SseText.data(RecordedStreams.OPENAI_TEXT);
        OpenAiStreamToAnthropic cut = new OpenAiStreamToAnthropic();
        OpenAiStreamToAnthropic noDone = new OpenAiStreamToAnthropic();
        data.subList(0, 2).forEach(cut::feed);
        data.subList(0, data.size() - 1).forEach(noDone::feed);

        assertEquals("error", cut.finish().getLast().name());
        assertTrue(cut.failed());
        assertEquals(List.of("message_delta", "message_stop"), names(noDone.finish()));
        assertTrue(noDone.completed());
    }

    @Test
    void interleavedToolArgumentsCannotBeExpressedAndEndTheStream() {
        OpenAiStreamToAnthropic stream = new OpenAiStreamToAnthropic();
        stream.feed("""
                {"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[
                  {"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}},
                  {"index":1,"id":"b","type":"function","function":{"name":"g","arguments":""}}]}}]}""");

        List<AnthropicEvent> out = stream.feed("""
                {"id":"c","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]}}]}""");

        assertEquals("error", out.getLast().name());
        assertTrue(stream.failed());
        assertFalse(stream.completed());
    }
}
