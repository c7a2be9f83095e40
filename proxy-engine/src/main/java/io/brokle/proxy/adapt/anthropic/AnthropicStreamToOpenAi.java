package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.NamedEventStream;
import io.brokle.proxy.adapt.OpenAiChunks;
import io.brokle.proxy.adapt.OpenAiErrors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One streamed Anthropic answer as OpenAI {@code chat.completion.chunk}s: feed it each SSE event
 * of the provider's stream, in order, and send what it returns, each as a {@code data: ...}
 * event; after {@link #completed()} send {@code data: [DONE]}; after {@link #failed()} send
 * nothing more (the last string returned was the terminal {@code {"error":...}} event).
 * <ul>
 *   <li>{@code message_start}: the first chunk, {@code delta: {role: "assistant", content: ""}}.
 *       The chunks' {@code id} and {@code model} are the message's.</li>
 *   <li>{@code text_delta}: {@code delta.content}.</li>
 *   <li>A {@code tool_use} block: a first chunk with {@code tool_calls[0]} = {@code index}
 *       (0 for the answer's first tool call, 1 for the next...), {@code id}, {@code type},
 *       {@code function.name} and empty {@code arguments}, then one chunk per non-empty
 *       {@code input_json_delta} with {@code index} and the {@code arguments} fragment, as OpenAI
 *       streams them: the fragments concatenate to the tool's input JSON. The
 *       {@code response_format} tool's fragments are {@code delta.content} instead.</li>
 *   <li>{@code thinking_delta}: {@code delta.reasoning_content}. When a thinking block ends, one
 *       chunk with {@code delta.thinking_blocks} carries the whole block with its signature (see
 *       {@link AnthropicToOpenAiResponse}); a {@code redacted_thinking} block is sent that way
 *       when it starts.</li>
 *   <li>{@code message_delta}: the chunk with {@code finish_reason} and an empty delta.</li>
 *   <li>{@code message_stop}: with {@link ReplyOptions#includeUsage()}, the usage chunk
 *       ({@code choices: []}); every chunk before it then has {@code "usage": null}, as OpenAI
 *       sends them.</li>
 *   <li>{@code error}: the terminal error, mapped by {@link AnthropicErrors}.</li>
 *   <li>{@code ping}, other block types and unknown events: nothing.</li>
 * </ul>
 * Not thread-safe: one instance per answer, fed from one thread at a time.
 */
public final class AnthropicStreamToOpenAi implements NamedEventStream {
    private enum Kind { TEXT, TOOL, JSON_ANSWER, THINKING, OTHER }

    /** What the translator knows about one content block, by the block's Anthropic index. */
    private static final class Block {
        final Kind kind;
        final int toolIndex;
        final StringBuilder thinking = new StringBuilder();
        String signature = "";

        Block(Kind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private final ReplyOptions reply;
    private final long created;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private String id = "";
    private String model = "";
    private int toolCalls;
    private boolean answeredThroughJsonTool;
    private String finishReason;
    private TokenUsage usage = TokenUsage.ZERO;
    private boolean started;
    private boolean completed;
    private boolean failed;

    /**
     * @param reply   from the translated request
     * @param created the chunks' {@code created} time, epoch seconds
     */
    public AnthropicStreamToOpenAi(ReplyOptions reply, long created) {
        this.reply = Objects.requireNonNull(reply, "reply");
        this.created = created;
    }

    /**
     * @param eventName the SSE {@code event:} field, or null; the data's {@code type} wins
     * @param data      the SSE {@code data:} field, a JSON object
     * @return the OpenAI chunk documents to send, in order; empty when there is nothing to send
     */
    @Override
    public List<String> feed(String eventName, String data) {
        if (completed || failed) {
            return List.of();
        }
        JsonNode event = Json.parseOrNull(data);
        if (event == null || !event.isObject()) {
            return fail(OpenAiErrors.notJsonEvent());
        }
        String type = Json.string(event, "type");
        if (type == null) {
            type = eventName == null ? "" : eventName;
        }
        List<String> out = new ArrayList<>(2);
        switch (type) {
            case "message_start" -> messageStart(event.path("message"), out);
            case "content_block_start" -> blockStart(event.path("index").asInt(), event.path("content_block"), out);
            case "content_block_delta" -> blockDelta(event.path("index").asInt(), event.path("delta"), out);
            case "content_block_stop" -> blockStop(event.path("index").asInt(), out);
            case "message_delta" -> messageDelta(event, out);
            case "message_stop" -> messageStop(out);
            case "error" -> {
                return fail(AnthropicErrors.streamErrorToOpenAi(event));
            }
            default -> {
                // ping, and events added to the API later: nothing to say.
            }
        }
        return out;
    }

    /** True once {@code message_stop} arrived: the stream is whole and {@code [DONE]} may follow. */
    @Override
    public boolean completed() {
        return completed;
    }

    /** True once an {@code error} event (or a malformed one) ended the stream. */
    @Override
    public boolean failed() {
        return failed;
    }

    /** The usage reported so far (whole once {@link #completed()}). */
    public TokenUsage usage() {
        return usage;
    }

    /** The {@code finish_reason} sent, or null before {@code message_delta}. */
    public String finishReason() {
        return finishReason;
    }

    private void messageStart(JsonNode message, List<String> out) {
        id = message.path("id").asText("");
        model = message.path("model").asText("");
        usage = usage.updatedBy(message.get("usage"));
        out.add(chunk(OpenAiChunks.assistantDelta(), null));
        started = true;
    }

    private void blockStart(int index, JsonNode block, List<String> out) {
        String type = block.path("type").asText("");
        switch (type) {
            case "text" -> {
                blocks.put(index, new Block(Kind.TEXT, -1));
                String text = block.path("text").asText("");
                if (!text.isEmpty()) {
                    out.add(content(text));
                }
            }
            case "tool_use" -> {
                String name = block.path("name").asText("");
                if (name.equals(reply.jsonResponseTool())) {
                    blocks.put(index, new Block(Kind.JSON_ANSWER, -1));
                    answeredThroughJsonTool = true;
                    return;
                }
                int toolIndex = toolCalls++;
                blocks.put(index, new Block(Kind.TOOL, toolIndex));
                out.add(chunk(OpenAiChunks.toolCallStartDelta(toolIndex, block.path("id").asText(""), name), null));
            }
            case "thinking" -> {
                Block thinking = new Block(Kind.THINKING, -1);
                blocks.put(index, thinking);
                String text = block.path("thinking").asText("");
                if (!text.isEmpty()) {
                    thinking.thinking.append(text);
                    out.add(reasoning(text));
                }
            }
            case "redacted_thinking" -> {
                blocks.put(index, new Block(Kind.OTHER, -1));
                ObjectNode delta = Json.object();
                delta.putArray("thinking_blocks").add(block.deepCopy());
                out.add(chunk(delta, null));
            }
            default -> blocks.put(index, new Block(Kind.OTHER, -1));
        }
    }

    private void blockDelta(int index, JsonNode delta, List<String> out) {
        Block block = blocks.get(index);
        if (block == null) {
            return;
        }
        switch (delta.path("type").asText("")) {
            case "text_delta" -> {
                String text = delta.path("text").asText("");
                if (!text.isEmpty()) {
                    out.add(content(text));
                }
            }
            case "input_json_delta" -> {
                String fragment = delta.path("partial_json").asText("");
                if (fragment.isEmpty()) {
                    return;
                }
                if (block.kind == Kind.JSON_ANSWER) {
                    out.add(content(fragment));
                } else if (block.kind == Kind.TOOL) {
                    out.add(chunk(OpenAiChunks.toolCallArgumentsDelta(block.toolIndex, fragment), null));
                }
            }
            case "thinking_delta" -> {
                String text = delta.path("thinking").asText("");
                if (!text.isEmpty()) {
                    block.thinking.append(text);
                    out.add(reasoning(text));
                }
            }
            case "signature_delta" -> block.signature += delta.path("signature").asText("");
            default -> {
                // citations_delta and later delta types have no OpenAI form.
            }
        }
    }

    private void blockStop(int index, List<String> out) {
        Block block = blocks.get(index);
        if (block == null || block.kind != Kind.THINKING) {
            return;
        }
        ObjectNode thinking = Json.object();
        thinking.put("type", "thinking");
        thinking.put("thinking", block.thinking.toString());
        thinking.put("signature", block.signature);
        ObjectNode delta = Json.object();
        delta.putArray("thinking_blocks").add(thinking);
        out.add(chunk(delta, null));
    }

    private void messageDelta(JsonNode event, List<String> out) {
        usage = usage.updatedBy(event.get("usage"));
        String stopReason = event.path("delta").path("stop_reason").textValue();
        finishReason = StopReasons.finishReason(stopReason, answeredThroughJsonTool && toolCalls == 0);
        out.add(chunk(Json.object(), finishReason));
    }

    private void messageStop(List<String> out) {
        if (!started) {
            messageStart(Json.object(), out);
        }
        if (finishReason == null) {
            finishReason = StopReasons.finishReason(null, false);
            out.add(chunk(Json.object(), finishReason));
        }
        if (reply.includeUsage()) {
            out.add(OpenAiChunks.usageChunk(head(), usage.toOpenAi()));
        }
        completed = true;
    }

    private List<String> fail(ObjectNode error) {
        failed = true;
        return List.of(Json.write(error));
    }

    private String content(String text) {
        return chunk(OpenAiChunks.contentDelta(text), null);
    }

    private String reasoning(String text) {
        return chunk(OpenAiChunks.reasoningDelta(text), null);
    }

    private String chunk(ObjectNode delta, String finishReason) {
        return OpenAiChunks.chunk(head(), 0, delta, finishReason, reply.includeUsage());
    }

    private ObjectNode head() {
        return OpenAiChunks.head(id, created, model);
    }
}
