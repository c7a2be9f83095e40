package io.brokle.proxy.adapt.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiChunks;
import io.brokle.proxy.adapt.OpenAiErrors;
import io.brokle.proxy.adapt.anthropic.AnthropicErrors;
import io.brokle.proxy.adapt.anthropic.ReplyOptions;
import io.brokle.proxy.adapt.anthropic.TokenUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One {@code ConverseStream} answer as OpenAI {@code chat.completion.chunk}s: feed it each message
 * of the event stream, in order, and send what it returns, each as a {@code data: ...} event;
 * after {@link #completed()} send {@code data: [DONE]}; after {@link #failed()} nothing more (the
 * last string returned was the terminal {@code {"error":...}} event).
 * <ul>
 *   <li>{@code messageStart}: the first chunk, {@code delta: {role: "assistant", content: ""}}.</li>
 *   <li>{@code contentBlockDelta} with {@code text}: {@code delta.content}.</li>
 *   <li>{@code contentBlockStart} with {@code toolUse}: a chunk with {@code tool_calls[0]} =
 *       {@code index} (0 for the answer's first tool call, then 1...), {@code id} (the
 *       {@code toolUseId}), {@code type}, {@code function.name} and empty {@code arguments}; each
 *       {@code toolUse.input} delta is then an {@code arguments} fragment with that index. The
 *       {@code response_format} tool's fragments are {@code delta.content} instead.</li>
 *   <li>{@code reasoningContent} deltas: their {@code text} as {@code delta.reasoning_content};
 *       when the block stops, one chunk with {@code delta.thinking_blocks} carries the whole block
 *       with its {@code signature} ({@code redactedContent}: a {@code redacted_thinking} block).</li>
 *   <li>{@code messageStop}: the chunk with {@code finish_reason} (per
 *       {@link ConverseToOpenAiResponse#finishReason}).</li>
 *   <li>{@code metadata} (Bedrock's last event, with the usage): with
 *       {@link ReplyOptions#includeUsage()}, the usage chunk ({@code choices: []}); the stream is
 *       then complete.</li>
 *   <li>An exception frame ({@code :message-type: exception}), or an {@code error} frame: the
 *       terminal error, mapped by {@link BedrockErrors}.</li>
 * </ul>
 * Not thread-safe: one instance per answer.
 */
public final class ConverseStreamToOpenAi {
    private enum Kind { TEXT, TOOL, JSON_ANSWER, REASONING }

    private static final class Block {
        final Kind kind;
        final int toolIndex;
        final StringBuilder reasoning = new StringBuilder();
        String signature = "";
        String redacted;

        Block(Kind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private final ReplyOptions reply;
    private final String id;
    private final String model;
    private final long created;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private int toolCalls;
    private boolean answeredThroughJsonTool;
    private boolean started;
    private String finishReason;
    private TokenUsage usage = TokenUsage.ZERO;
    private boolean completed;
    private boolean failed;

    /**
     * @param id      the chunks' {@code id}
     * @param model   the chunks' {@code model}: the model id called
     * @param created the chunks' {@code created} time, epoch seconds
     */
    public ConverseStreamToOpenAi(ReplyOptions reply, String id, String model, long created) {
        this.reply = Objects.requireNonNull(reply, "reply");
        this.id = id;
        this.model = model;
        this.created = created;
    }

    /** @return the OpenAI chunk documents to send, in order; empty when there is nothing to send */
    public List<String> feed(EventStreamMessage message) {
        if (completed || failed) {
            return List.of();
        }
        String messageType = message.messageType();
        if ("exception".equals(messageType)) {
            return fail(BedrockErrors.streamExceptionToOpenAi(message.exceptionType(), message.payload()));
        }
        if ("error".equals(messageType)) {
            String code = message.headers().get(":error-code");
            String text = message.headers().get(":error-message");
            return fail(AnthropicErrors.openAiError(text != null ? text : "The provider's stream failed.",
                    "upstream_error", code));
        }
        JsonNode event = Json.parseOrNull(message.payload());
        if (event == null || !event.isObject()) {
            return fail(OpenAiErrors.notJsonEvent());
        }
        List<String> out = new ArrayList<>(2);
        String type = message.eventType();
        switch (type == null ? "" : type) {
            case "messageStart" -> start(out);
            case "contentBlockStart" -> blockStart(event, out);
            case "contentBlockDelta" -> blockDelta(event, out);
            case "contentBlockStop" -> blockStop(event, out);
            case "messageStop" -> messageStop(event, out);
            case "metadata" -> metadata(event, out);
            default -> {
                // Events added to the API later: nothing to say.
            }
        }
        return out;
    }

    /** True once the {@code metadata} event after {@code messageStop} arrived: {@code [DONE]} may follow. */
    public boolean completed() {
        return completed;
    }

    /** True once an exception (or a malformed event) ended the stream. */
    public boolean failed() {
        return failed;
    }

    /** The usage reported (known once {@link #completed()}). */
    public TokenUsage usage() {
        return usage;
    }

    private void start(List<String> out) {
        if (started) {
            return;
        }
        started = true;
        out.add(chunk(OpenAiChunks.assistantDelta(), null));
    }

    private void blockStart(JsonNode event, List<String> out) {
        start(out);
        int index = event.path("contentBlockIndex").asInt();
        JsonNode toolUse = event.path("start").get("toolUse");
        if (toolUse == null) {
            return;
        }
        String name = toolUse.path("name").asText("");
        if (name.equals(reply.jsonResponseTool())) {
            blocks.put(index, new Block(Kind.JSON_ANSWER, -1));
            answeredThroughJsonTool = true;
            return;
        }
        int toolIndex = toolCalls++;
        blocks.put(index, new Block(Kind.TOOL, toolIndex));
        out.add(chunk(OpenAiChunks.toolCallStartDelta(toolIndex, toolUse.path("toolUseId").asText(""), name), null));
    }

    private void blockDelta(JsonNode event, List<String> out) {
        start(out);
        int index = event.path("contentBlockIndex").asInt();
        JsonNode delta = event.path("delta");
        Block block = blocks.get(index);
        if (delta.has("text")) {
            blocks.putIfAbsent(index, new Block(Kind.TEXT, -1));
            String text = delta.path("text").asText("");
            if (!text.isEmpty()) {
                out.add(content(text));
            }
        } else if (delta.has("toolUse")) {
            String fragment = delta.path("toolUse").path("input").asText("");
            if (fragment.isEmpty() || block == null) {
                return;
            }
            if (block.kind == Kind.JSON_ANSWER) {
                out.add(content(fragment));
            } else if (block.kind == Kind.TOOL) {
                out.add(chunk(OpenAiChunks.toolCallArgumentsDelta(block.toolIndex, fragment), null));
            }
        } else if (delta.has("reasoningContent")) {
            if (block == null) {
                block = new Block(Kind.REASONING, -1);
                blocks.put(index, block);
            }
            JsonNode reasoning = delta.get("reasoningContent");
            String text = reasoning.path("text").asText("");
            if (!text.isEmpty()) {
                block.reasoning.append(text);
                out.add(chunk(OpenAiChunks.reasoningDelta(text), null));
            }
            if (Json.present(reasoning, "signature")) {
                block.signature += reasoning.path("signature").asText("");
            }
            if (Json.present(reasoning, "redactedContent")) {
                block.redacted = reasoning.path("redactedContent").asText("");
            }
        }
    }

    private void blockStop(JsonNode event, List<String> out) {
        Block block = blocks.get(event.path("contentBlockIndex").asInt());
        if (block == null || block.kind != Kind.REASONING) {
            return;
        }
        ObjectNode delta = Json.object();
        delta.putArray("thinking_blocks").add(block.redacted != null
                ? ConverseToOpenAiResponse.redactedBlock(block.redacted)
                : ConverseToOpenAiResponse.thinkingBlock(block.reasoning.toString(), block.signature));
        out.add(chunk(delta, null));
    }

    private void messageStop(JsonNode event, List<String> out) {
        start(out);
        finishReason = ConverseToOpenAiResponse.finishReason(Json.string(event, "stopReason"),
                answeredThroughJsonTool && toolCalls == 0);
        out.add(chunk(Json.object(), finishReason));
    }

    private void metadata(JsonNode event, List<String> out) {
        usage = ConverseToOpenAiResponse.usage(event.get("usage"));
        if (finishReason == null) {
            // metadata before messageStop: not a whole answer; wait for the rest (or the cut).
            return;
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

    private String chunk(ObjectNode delta, String finish) {
        return OpenAiChunks.chunk(head(), 0, delta, finish, reply.includeUsage());
    }

    private ObjectNode head() {
        return OpenAiChunks.head(id, created, model);
    }
}
