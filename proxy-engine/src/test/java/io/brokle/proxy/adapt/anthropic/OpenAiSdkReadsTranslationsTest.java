package io.brokle.proxy.adapt.anthropic;

import static io.brokle.proxy.testing.TestJson.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK reads what the Anthropic-to-OpenAI translators write, with its own
 * strict validation: the translated answers are real chat completions and chunks, not look-alikes.
 */
class OpenAiSdkReadsTranslationsTest {
    private static final JsonMapper SDK_JSON = ObjectMappers.jsonMapper();

    @Test
    void aTranslatedAnswerIsAValidChatCompletion() throws Exception {
        String json = AnthropicToOpenAiResponse.translate(obj("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"thinking","thinking":"Hmm.","signature":"sig"},{"type":"text","text":"Calling."},
                            {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":7}}"""),
                ReplyOptions.PLAIN, 1_700_000_000L).toString();

        ChatCompletion completion = SDK_JSON.readValue(json, ChatCompletion.class).validate();

        ChatCompletion.Choice choice = completion.choices().getFirst();
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        assertEquals("Calling.", choice.message().content().orElseThrow());
        ChatCompletionMessageFunctionToolCall call = choice.message().toolCalls().orElseThrow().getFirst().asFunction();
        assertEquals("toolu_1", call.id());
        assertEquals("get_weather", call.function().name());
        assertEquals("{\"city\":\"Paris\"}", call.function().arguments());
        assertEquals(115, completion.usage().orElseThrow().promptTokens());
        assertEquals(100, completion.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertTrue(choice.message()._additionalProperties().containsKey("reasoning_content"));
    }

    @Test
    void translatedChunksAreValidChatCompletionChunks() throws Exception {
        AnthropicStreamToOpenAi stream = new AnthropicStreamToOpenAi(new ReplyOptions(null, true), 1_700_000_000L);
        StringBuilder arguments = new StringBuilder();
        long usageChunks = 0;
        for (Map.Entry<String, String> event : SseText.parse(RecordedStreams.ANTHROPIC_TOOL_USE)) {
            for (String json : stream.feed(event.getKey(), event.getValue())) {
                ChatCompletionChunk chunk = SDK_JSON.readValue(json, ChatCompletionChunk.class).validate();
                if (chunk.choices().isEmpty()) {
                    usageChunks++;
                    assertEquals(1496, chunk.usage().orElseThrow().promptTokens());
                    continue;
                }
                List<ChatCompletionChunk.Choice.Delta.ToolCall> calls =
                        chunk.choices().getFirst().delta().toolCalls().orElse(List.of());
                for (ChatCompletionChunk.Choice.Delta.ToolCall call : calls) {
                    if (call.index() == 0) {
                        call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
                                .ifPresent(arguments::append);
                    }
                }
            }
        }

        assertEquals(1, usageChunks);
        assertEquals("{\"location\": \"San Francisco, CA\", \"unit\": \"fahrenheit\"}", arguments.toString());
    }
}
