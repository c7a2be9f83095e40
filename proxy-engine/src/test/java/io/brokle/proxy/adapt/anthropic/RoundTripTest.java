package io.brokle.proxy.adapt.anthropic;

import static io.brokle.proxy.testing.TestJson.obj;
import static io.brokle.proxy.testing.TestJson.parse;
import static io.brokle.proxy.testing.TestJson.reparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What goes through both translators comes back as it was: the translation loses nothing it keeps. */
class RoundTripTest {
    private static final long CREATED = 1_741_569_952L;

    @Test
    void anOpenAiRequestSurvivesATripThroughAnthropicsFormat() throws Exception {
        ObjectNode request = obj("""
                {"model":"m","max_tokens":512,"messages":[
                  {"role":"system","content":"Be terse."},
                  {"role":"user","content":[{"type":"text","text":"What is in these?"},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
                    {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]},
                  {"role":"assistant","content":"Let me look.","tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\\"q\\":\\"cat\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"A cat."},
                  {"role":"assistant","content":"It is a cat."},
                  {"role":"user","content":"Thanks"}],
                 "tools":[{"type":"function","function":{"name":"lookup","description":"Look up",
                   "parameters":{"type":"object","properties":{"q":{"type":"string"}}}}}],
                 "tool_choice":"required","stop":["END"],"temperature":0.2,"top_p":0.8,"user":"u-7"}""");

        TranslatedRequest there = new OpenAiToAnthropicRequest().translate(request);
        TranslatedRequest back = AnthropicToOpenAiRequest.translate(there.body());

        assertEquals(request, reparsed(back.body()));
        assertEquals(List.of(), there.droppedParams());
        assertEquals(List.of(), back.droppedParams());
    }

    @Test
    void anAnthropicRequestSurvivesATripThroughOpenAisFormat() throws Exception {
        ObjectNode request = obj("""
                {"model":"claude","max_tokens":1024,"system":"You are helpful.","messages":[
                  {"role":"user","content":[{"type":"text","text":"Look"},
                    {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}]},
                  {"role":"assistant","content":[{"type":"text","text":"Calling."},
                    {"type":"tool_use","id":"toolu_1","name":"f","input":{"a":1}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"done"}]},
                  {"role":"assistant","content":"Done."},
                  {"role":"user","content":"ok"}],
                 "tools":[{"name":"f","description":"F","input_schema":{"type":"object","properties":{"a":{"type":"integer"}}}}],
                 "tool_choice":{"type":"any","disable_parallel_tool_use":true},"stop_sequences":["STOP"],
                 "temperature":0.4,"top_p":0.7,"metadata":{"user_id":"u"},"stream":true}""");

        TranslatedRequest there = AnthropicToOpenAiRequest.translate(request);
        TranslatedRequest back = new OpenAiToAnthropicRequest().translate(there.body());

        assertEquals(request, reparsed(back.body()));
        assertEquals(List.of(), back.droppedParams());
    }

    @Test
    void anAnthropicMessageSurvivesATripThroughOpenAisFormat() throws Exception {
        ObjectNode message = obj("""
                {"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"Calling."},{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":[1,2]}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":100,"cache_creation_input_tokens":50,"cache_read_input_tokens":25,"output_tokens":10}}""");

        JsonNode completion = AnthropicToOpenAiResponse.translate(message, ReplyOptions.PLAIN, CREATED);
        JsonNode back = OpenAiToAnthropicResponse.translate(completion);

        assertEquals(message, reparsed(back));
    }

    @Test
    void anOpenAiCompletionSurvivesATripThroughAnthropicsFormat() throws Exception {
        ObjectNode completion = obj("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-4o",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Calling.","refusal":null,
                   "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\\"a\\":1}"}}]},
                   "logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":100,"completion_tokens":5,"total_tokens":105,
                   "prompt_tokens_details":{"cached_tokens":20,"cache_creation_tokens":0}}}""");

        JsonNode message = OpenAiToAnthropicResponse.translate(completion);
        JsonNode back = AnthropicToOpenAiResponse.translate(message, ReplyOptions.PLAIN, CREATED);

        assertEquals(completion, reparsed(back));
    }

    @Test
    void anAnthropicStreamSurvivesATripThroughOpenAiChunks() {
        for (String recorded : List.of(RecordedStreams.ANTHROPIC_TEXT, RecordedStreams.ANTHROPIC_TOOL_USE)) {
            AnthropicStreamToOpenAi toOpenAi = new AnthropicStreamToOpenAi(new ReplyOptions(null, true), CREATED);
            OpenAiStreamToAnthropic toAnthropic = new OpenAiStreamToAnthropic();
            List<AnthropicEvent> events = new ArrayList<>();
            for (Map.Entry<String, String> event : SseText.parse(recorded)) {
                for (String chunk : toOpenAi.feed(event.getKey(), event.getValue())) {
                    events.addAll(toAnthropic.feed(chunk));
                }
            }
            events.addAll(toAnthropic.feed("[DONE]"));

            assertEquals(Assemble.anthropicMessage(SseText.parse(recorded)),
                    reparsed(Assemble.anthropicMessage(Assemble.entries(events))));
        }
    }

    @Test
    void anOpenAiStreamSurvivesATripThroughAnthropicEvents() {
        AnthropicStreamToOpenAi toOpenAi = new AnthropicStreamToOpenAi(new ReplyOptions(null, true), CREATED);
        OpenAiStreamToAnthropic toAnthropic = new OpenAiStreamToAnthropic();
        List<String> chunks = new ArrayList<>();
        for (String data : SseText.data(RecordedStreams.OPENAI_TOOL_CALLS)) {
            for (AnthropicEvent event : toAnthropic.feed(data)) {
                chunks.addAll(toOpenAi.feed(event.name(), event.data()));
            }
        }

        JsonNode original = Assemble.openAiCompletion(SseText.data(RecordedStreams.OPENAI_TOOL_CALLS).stream()
                .filter(data -> !"[DONE]".equals(data)).toList());
        JsonNode back = Assemble.openAiCompletion(chunks);
        JsonNode originalChoice = original.get("choices").get(0);
        JsonNode backChoice = back.get("choices").get(0);
        assertEquals(originalChoice.get("message").get("tool_calls"), backChoice.get("message").get("tool_calls"));
        assertEquals(originalChoice.get("finish_reason"), backChoice.get("finish_reason"));
        assertEquals(TokenUsage.fromOpenAi(original.get("usage")), TokenUsage.fromOpenAi(back.get("usage")));
        assertEquals(original.get("id"), back.get("id"));
        assertEquals(parse("\"gpt-4o-2024-08-06\""), back.get("model"));
    }
}
