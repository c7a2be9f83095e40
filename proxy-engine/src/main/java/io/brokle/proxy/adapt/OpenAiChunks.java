package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The pieces of OpenAI's streamed {@code chat.completion.chunk} that every stream translator
 * writes the same way: the chunk around one choice's delta, the usage chunk that ends a stream
 * asked for with {@code stream_options.include_usage}, and the common deltas (the assistant's
 * first, text, reasoning, the start of a tool call and a fragment of its arguments).
 */
public final class OpenAiChunks {
    private OpenAiChunks() {
    }

    /** A chunk's fields before its choices: {@code id}, {@code object}, {@code created}, {@code model}. */
    public static ObjectNode head(String id, long created, String model) {
        ObjectNode chunk = Json.object();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    /**
     * {@code head} with one choice of index {@code choice} carrying {@code delta} and
     * {@code finishReason} (null while the choice goes on), as JSON text; with
     * {@code "usage": null} when {@code usageField} (the stream reports usage in its last chunk).
     */
    public static String chunk(ObjectNode head, int choice, ObjectNode delta, String finishReason,
                               boolean usageField) {
        ObjectNode entry = head.putArray("choices").addObject();
        entry.put("index", choice);
        entry.set("delta", delta);
        entry.putNull("logprobs");
        entry.put("finish_reason", finishReason);
        if (usageField) {
            head.putNull("usage");
        }
        return Json.write(head);
    }

    /** The last chunk of a stream that asked for usage: no choices, and {@code usage}. */
    public static String usageChunk(ObjectNode head, JsonNode usage) {
        head.putArray("choices");
        head.set("usage", usage);
        return Json.write(head);
    }

    /** The first delta of the assistant's answer: its role, empty content, no refusal. */
    public static ObjectNode assistantDelta() {
        ObjectNode delta = Json.object();
        delta.put("role", "assistant");
        delta.put("content", "");
        delta.putNull("refusal");
        return delta;
    }

    /** A delta of answer text. */
    public static ObjectNode contentDelta(String text) {
        ObjectNode delta = Json.object();
        delta.put("content", text);
        return delta;
    }

    /** A delta of the model's reasoning text. */
    public static ObjectNode reasoningDelta(String text) {
        ObjectNode delta = Json.object();
        delta.put("reasoning_content", text);
        return delta;
    }

    /** The start of tool call {@code index}: its id, type, function name and empty arguments. */
    public static ObjectNode toolCallStartDelta(int index, String id, String name) {
        ObjectNode call = Json.object();
        call.put("index", index);
        call.put("id", id);
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", name);
        function.put("arguments", "");
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").add(call);
        return delta;
    }

    /** A fragment of tool call {@code index}'s arguments (JSON text, cut anywhere). */
    public static ObjectNode toolCallArgumentsDelta(int index, String fragment) {
        ObjectNode call = Json.object();
        call.put("index", index);
        call.putObject("function").put("arguments", fragment);
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").add(call);
        return delta;
    }
}
