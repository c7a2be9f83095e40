package io.brokle.proxy.adapt.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.NamedEventStream;
import io.brokle.proxy.adapt.OpenAiChunks;
import io.brokle.proxy.adapt.OpenAiErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One streamed Cohere v2 chat answer as OpenAI {@code chat.completion.chunk}s. Cohere streams
 * server-sent events ({@code event: <type>} and {@code data: <json>}, the JSON's {@code type}
 * repeating the event's name) and ends after {@code message-end}, with no {@code [DONE]}. Feed
 * each event's data in order and send what comes back, each as a {@code data: ...} event; after
 * {@link #completed()} send {@code data: [DONE]}; after {@link #failed()} send nothing more (the
 * last string returned was the terminal {@code {"error":...}} event).
 * <ul>
 *   <li>{@code message-start}: the first chunk, {@code delta: {role: "assistant", content: ""}};
 *       every chunk's {@code id} is the message's.</li>
 *   <li>{@code content-delta}: {@code delta.message.content.text} as {@code delta.content},
 *       {@code delta.message.content.thinking} (reasoning models) as
 *       {@code delta.reasoning_content}. {@code content-start} does the same with any text it
 *       carries.</li>
 *   <li>{@code tool-plan-delta}: {@code delta.message.tool_plan} as {@code delta.reasoning_content}
 *       and {@code delta.tool_plan} (see {@link CohereToOpenAiChat}).</li>
 *   <li>{@code tool-call-start}: a chunk with {@code tool_calls[0]} = {@code index} (0 for the
 *       answer's first call, 1 for the next...), {@code id}, {@code type}, {@code function.name}
 *       and empty {@code arguments}, as OpenAI streams them; {@code tool-call-delta}: one chunk
 *       with the {@code index} and the {@code arguments} fragment. The fragments concatenate to
 *       the call's arguments.</li>
 *   <li>{@code message-end}: the chunk with {@code finish_reason} ({@link FinishReasons}), then,
 *       when usage is asked for, the usage chunk ({@code choices: []}, {@link CohereUsage});
 *       every chunk before it then has {@code "usage": null}, as OpenAI sends them. A
 *       {@code message-end} with an {@code error} or finish reason {@code ERROR} or
 *       {@code TIMEOUT} is the terminal error instead ({@link CohereErrors#streamError}).</li>
 *   <li>{@code content-end}, {@code tool-call-end}, {@code citation-start}, {@code citation-end},
 *       {@code debug} and unknown events: nothing.</li>
 * </ul>
 * Not thread-safe: one instance per answer, fed from one thread at a time.
 */
public final class CohereStreamToOpenAi implements NamedEventStream {
    private final String model;
    private final long created;
    private final boolean includeUsage;
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private String id = "";
    private boolean started;
    private boolean completed;
    private boolean failed;
    private CohereUsage usage = CohereUsage.ZERO;

    /**
     * @param model        the model name the chunks carry (Cohere's events do not name it)
     * @param created      the chunks' {@code created} time, epoch seconds
     * @param includeUsage whether to end with a usage chunk
     */
    public CohereStreamToOpenAi(String model, long created, boolean includeUsage) {
        this.model = model;
        this.created = created;
        this.includeUsage = includeUsage;
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
        if (!started && !"message-start".equals(type)) {
            start(out);
        }
        JsonNode message = event.path("delta").path("message");
        switch (type) {
            case "message-start" -> {
                id = event.path("id").asText("");
                start(out);
            }
            case "content-start", "content-delta" -> {
                JsonNode content = message.path("content");
                text(content.path("text").asText(""), out);
                reasoning(content.path("thinking").asText(""), out);
            }
            case "tool-plan-delta" -> {
                String plan = message.path("tool_plan").asText("");
                if (!plan.isEmpty()) {
                    ObjectNode delta = Json.object();
                    delta.put("reasoning_content", plan);
                    delta.put("tool_plan", plan);
                    out.add(chunk(delta, null));
                }
            }
            case "tool-call-start" -> toolCallStart(event.path("index").asInt(toolIndexes.size()),
                    message.path("tool_calls"), out);
            case "tool-call-delta" -> toolCallDelta(event.path("index").asInt(toolIndexes.size() - 1),
                    message.path("tool_calls"), out);
            case "message-end" -> {
                return messageEnd(event.path("delta"), out);
            }
            default -> {
                // content-end, tool-call-end, citations, debug, and events added to the API later.
            }
        }
        return out;
    }

    /** True once {@code message-end} arrived: the stream is whole and {@code [DONE]} may follow. */
    @Override
    public boolean completed() {
        return completed;
    }

    /** True once an error (or a malformed event) ended the stream. */
    @Override
    public boolean failed() {
        return failed;
    }

    /** The usage reported, once {@link #completed()}. */
    public CohereUsage usage() {
        return usage;
    }

    private void start(List<String> out) {
        if (started) {
            return;
        }
        started = true;
        out.add(chunk(OpenAiChunks.assistantDelta(), null));
    }

    private void text(String text, List<String> out) {
        if (!text.isEmpty()) {
            out.add(chunk(OpenAiChunks.contentDelta(text), null));
        }
    }

    private void reasoning(String text, List<String> out) {
        if (!text.isEmpty()) {
            out.add(chunk(OpenAiChunks.reasoningDelta(text), null));
        }
    }

    private void toolCallStart(int cohereIndex, JsonNode call, List<String> out) {
        int index = toolIndexes.size();
        toolIndexes.put(cohereIndex, index);
        String name = call.path("function").path("name").asText("");
        out.add(chunk(OpenAiChunks.toolCallStartDelta(index, call.path("id").asText(""), name), null));
        arguments(index, call.path("function").path("arguments").asText(""), out);
    }

    private void toolCallDelta(int cohereIndex, JsonNode call, List<String> out) {
        Integer index = toolIndexes.get(cohereIndex);
        if (index == null) {
            return;
        }
        arguments(index, call.path("function").path("arguments").asText(""), out);
    }

    private void arguments(int index, String fragment, List<String> out) {
        if (fragment.isEmpty()) {
            return;
        }
        out.add(chunk(OpenAiChunks.toolCallArgumentsDelta(index, fragment), null));
    }

    private List<String> messageEnd(JsonNode delta, List<String> out) {
        String finish = Json.string(delta, "finish_reason");
        String error = Json.string(delta, "error");
        if ((error != null && !error.isBlank()) || FinishReasons.isFailure(finish)) {
            out.add(Json.write(CohereErrors.streamError(error, finish)));
            failed = true;
            return out;
        }
        usage = CohereUsage.of(delta.get("usage"));
        out.add(chunk(Json.object(), FinishReasons.toOpenAi(finish, !toolIndexes.isEmpty())));
        if (includeUsage) {
            out.add(OpenAiChunks.usageChunk(head(), usage.toOpenAiChat()));
        }
        completed = true;
        return out;
    }

    private List<String> fail(ObjectNode error) {
        failed = true;
        return List.of(Json.write(error));
    }

    private String chunk(ObjectNode delta, String finishReason) {
        return OpenAiChunks.chunk(head(), 0, delta, finishReason, includeUsage);
    }

    private ObjectNode head() {
        return OpenAiChunks.head(id, created, model);
    }
}
