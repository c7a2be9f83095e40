package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The pieces of OpenAI's whole {@code chat.completion} answer that every answer translator writes
 * the same way: the answer's head, and the assistant's message of one choice.
 */
public final class OpenAiCompletions {
    private OpenAiCompletions() {
    }

    /** A new answer with {@code id}, {@code object}, {@code created} and {@code model}, before its choices. */
    public static ObjectNode head(String id, long created, String model) {
        ObjectNode out = Json.object();
        out.put("id", id);
        out.put("object", "chat.completion");
        out.put("created", created);
        out.put("model", model);
        return out;
    }

    /**
     * Puts the assistant's {@code message} into {@code choice} and returns it: {@code content} is
     * {@code text}, or null when there is no text but there are tool calls, or {@code ""} when
     * there is neither; no refusal; {@code tool_calls} when there are any.
     *
     * @param text      the answer's text, or null when the provider gave no text
     * @param toolCalls the OpenAI tool calls, possibly empty
     */
    public static ObjectNode assistantMessage(ObjectNode choice, String text, ArrayNode toolCalls) {
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (text != null) {
            message.put("content", text);
        } else if (!toolCalls.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", "");
        }
        message.putNull("refusal");
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
        return message;
    }
}
