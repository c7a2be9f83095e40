package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One streamed OpenAI answer as Anthropic stream events, for clients of the gateway's
 * {@code /v1/messages}: feed it the {@code data:} of each event of the provider's stream
 * ({@code [DONE]} included), write what it returns ({@link AnthropicEvent#toSse()}); if the
 * provider's stream ends without {@code [DONE]}, call {@link #finish()}.
 * <ul>
 *   <li>The first chunk opens the message: {@code message_start} with the chunk's {@code id} and
 *       {@code model}, empty content and zero usage (OpenAI reports usage only at the end).</li>
 *   <li>Deltas open, fill and close content blocks in Anthropic's strict order, one block at a
 *       time: {@code reasoning_content} (or {@code reasoning}) a {@code thinking} block
 *       ({@code thinking_delta}); {@code content} and {@code refusal} a {@code text} block
 *       ({@code text_delta}); each new tool call index a {@code tool_use} block with the call's
 *       {@code id} and {@code name}, its {@code arguments} fragments as {@code input_json_delta}.
 *       A fragment for a tool call whose block is already closed cannot be expressed and ends
 *       the stream with an error (OpenAI streams one call after the other).</li>
 *   <li>{@code finish_reason} closes the open block; {@code [DONE]} sends {@code message_delta}
 *       ({@code stop_reason} per {@link StopReasons}, usage from the usage chunk that the
 *       translated request asked for) and {@code message_stop}.</li>
 *   <li>An {@code {"error":...}} event becomes an Anthropic {@code error} event and ends the
 *       stream.</li>
 * </ul>
 * Not thread-safe: one instance per answer.
 */
public final class OpenAiStreamToAnthropic {
    private enum Open { NONE, TEXT, THINKING, TOOL }

    private final Set<Integer> toolsSeen = new HashSet<>();
    private Open open = Open.NONE;
    private int blockCount;
    private int currentTool = -1;
    private String stopReason;
    private TokenUsage usage = TokenUsage.ZERO;
    private boolean started;
    private boolean completed;
    private boolean failed;

    /**
     * @param data the {@code data:} field of one event of the OpenAI stream
     * @return the Anthropic events to send, in order
     */
    public List<AnthropicEvent> feed(String data) {
        if (completed || failed) {
            return List.of();
        }
        List<AnthropicEvent> out = new ArrayList<>(3);
        if ("[DONE]".equals(data.strip())) {
            finishMessage(out);
            return out;
        }
        JsonNode chunk = Json.parseOrNull(data);
        if (chunk == null || !chunk.isObject()) {
            return fail(out, AnthropicErrors.anthropicError("api_error", "The provider sent a stream event that is "
                    + "not JSON."));
        }
        if (chunk.has("error")) {
            return fail(out, AnthropicErrors.streamErrorToAnthropic(chunk));
        }
        if (!started) {
            messageStart(chunk, out);
        }
        JsonNode choices = chunk.get("choices");
        if (choices != null && choices.isArray() && !choices.isEmpty()) {
            JsonNode choice = choices.get(0);
            JsonNode delta = choice.path("delta");
            String reasoning = OpenAiToAnthropicResponse.reasoningOf(delta);
            if (reasoning != null && !reasoning.isEmpty()) {
                open(Open.THINKING, out);
                out.add(blockDelta("thinking_delta", "thinking", reasoning));
            }
            String text = Json.string(delta, "content");
            if (text != null && !text.isEmpty()) {
                open(Open.TEXT, out);
                out.add(blockDelta("text_delta", "text", text));
            }
            String refusal = Json.string(delta, "refusal");
            if (refusal != null && !refusal.isEmpty()) {
                open(Open.TEXT, out);
                out.add(blockDelta("text_delta", "text", refusal));
                stopReason = "refusal";
            }
            JsonNode toolCalls = delta.get("tool_calls");
            if (toolCalls != null && toolCalls.isArray()) {
                for (JsonNode call : toolCalls) {
                    if (!toolCall(call, out)) {
                        return fail(out, AnthropicErrors.anthropicError("api_error", "The provider interleaved the "
                                + "arguments of parallel tool calls, which Anthropic streams cannot express."));
                    }
                }
            }
            String finishReason = Json.string(choice, "finish_reason");
            if (finishReason != null) {
                if (!"refusal".equals(stopReason)) {
                    stopReason = StopReasons.stopReason(finishReason);
                }
                close(out);
            }
        }
        if (chunk.path("usage").isObject()) {
            usage = TokenUsage.fromOpenAi(chunk.get("usage"));
        }
        return out;
    }

    /**
     * The provider's stream ended without {@code [DONE]}: closes the message when a
     * {@code finish_reason} was seen, or ends the stream with an error when it was cut off.
     */
    public List<AnthropicEvent> finish() {
        if (completed || failed) {
            return List.of();
        }
        List<AnthropicEvent> out = new ArrayList<>(3);
        if (stopReason == null) {
            return fail(out, AnthropicErrors.anthropicError("api_error", "The provider's stream ended before it "
                    + "finished."));
        }
        finishMessage(out);
        return out;
    }

    /** True once {@code message_stop} was returned. */
    public boolean completed() {
        return completed;
    }

    /** True once an {@code error} event was returned. */
    public boolean failed() {
        return failed;
    }

    /** The usage the provider reported (whole once {@link #completed()}). */
    public TokenUsage usage() {
        return usage;
    }

    private boolean toolCall(JsonNode call, List<AnthropicEvent> out) {
        int index = call.path("index").asInt(0);
        JsonNode function = call.path("function");
        if (toolsSeen.add(index)) {
            close(out);
            ObjectNode toolUse = Json.object();
            toolUse.put("type", "tool_use");
            toolUse.put("id", call.path("id").asText(""));
            toolUse.put("name", function.path("name").asText(""));
            toolUse.putObject("input");
            currentTool = index;
            start(Open.TOOL, toolUse, out);
        } else if (index != currentTool || open != Open.TOOL) {
            return false;
        }
        String arguments = Json.string(function, "arguments");
        if (arguments != null && !arguments.isEmpty()) {
            out.add(blockDelta("input_json_delta", "partial_json", arguments));
        }
        return true;
    }

    private void messageStart(JsonNode chunk, List<AnthropicEvent> out) {
        ObjectNode event = Json.object();
        event.put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("id", chunk.path("id").asText(""));
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", chunk.path("model").asText(""));
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        ObjectNode startUsage = message.putObject("usage");
        startUsage.put("input_tokens", 0);
        startUsage.put("output_tokens", 0);
        out.add(event(event));
        started = true;
    }

    /** Opens a block of {@code kind} unless one is open already. */
    private void open(Open kind, List<AnthropicEvent> out) {
        if (open == kind && kind != Open.TOOL) {
            return;
        }
        close(out);
        ObjectNode block = Json.object();
        if (kind == Open.TEXT) {
            block.put("type", "text");
            block.put("text", "");
        } else {
            block.put("type", "thinking");
            block.put("thinking", "");
            block.put("signature", "");
        }
        start(kind, block, out);
    }

    private void start(Open kind, ObjectNode block, List<AnthropicEvent> out) {
        ObjectNode event = Json.object();
        event.put("type", "content_block_start");
        event.put("index", blockCount);
        event.set("content_block", block);
        out.add(event(event));
        open = kind;
    }

    private void close(List<AnthropicEvent> out) {
        if (open == Open.NONE) {
            return;
        }
        ObjectNode event = Json.object();
        event.put("type", "content_block_stop");
        event.put("index", blockCount);
        out.add(event(event));
        blockCount++;
        open = Open.NONE;
        currentTool = -1;
    }

    private AnthropicEvent blockDelta(String deltaType, String field, String value) {
        ObjectNode event = Json.object();
        event.put("type", "content_block_delta");
        event.put("index", blockCount);
        ObjectNode delta = event.putObject("delta");
        delta.put("type", deltaType);
        delta.put(field, value);
        return event(event);
    }

    private void finishMessage(List<AnthropicEvent> out) {
        if (!started) {
            messageStart(Json.object(), out);
        }
        close(out);
        ObjectNode delta = Json.object();
        delta.put("type", "message_delta");
        ObjectNode inner = delta.putObject("delta");
        inner.put("stop_reason", stopReason != null ? stopReason : StopReasons.stopReason(null));
        inner.putNull("stop_sequence");
        delta.set("usage", usage.toAnthropic());
        out.add(event(delta));
        ObjectNode stop = Json.object();
        stop.put("type", "message_stop");
        out.add(event(stop));
        completed = true;
    }

    private List<AnthropicEvent> fail(List<AnthropicEvent> out, ObjectNode error) {
        out.add(event(error));
        failed = true;
        return out;
    }

    private static AnthropicEvent event(ObjectNode data) {
        return new AnthropicEvent(data.get("type").textValue(), Json.write(data));
    }
}
