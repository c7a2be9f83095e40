package io.brokle.proxy.adapt.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiChunks;
import io.brokle.proxy.adapt.OpenAiErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One streamed Gemini answer ({@code streamGenerateContent?alt=sse}) as OpenAI
 * {@code chat.completion.chunk}s: feed it the {@code data} of each SSE event, in order, and send
 * what it returns, each as a {@code data: ...} event, {@code [DONE]} included. After
 * {@link #failed()} send nothing more (the last string returned was the terminal
 * {@code {"error":...}} event).
 * <ul>
 *   <li>Each event is a whole {@code GenerateContentResponse} holding the next piece of each
 *       candidate. A candidate seen for the first time opens with
 *       {@code delta: {role: "assistant", content: ""}} at its index.</li>
 *   <li>{@code text} parts: {@code delta.content}; parts with {@code thought: true}:
 *       {@code delta.reasoning_content}.</li>
 *   <li>{@code functionCall} parts (Gemini sends each call whole): a chunk with
 *       {@code tool_calls[0]} = {@code index} (0 for the candidate's first call, 1 for the
 *       next...), {@code id} per {@link ToolCallIds}, {@code type}, {@code function.name} and
 *       empty {@code arguments} (and the call's {@code extra_content}, see
 *       {@link GeminiToOpenAiResponse}), then one chunk with the {@code arguments}, as OpenAI
 *       streams them.</li>
 *   <li>A candidate's {@code finishReason}: its chunk with {@code finish_reason} per
 *       {@link FinishReasons} and an empty delta.</li>
 *   <li>When every candidate asked for has finished: the usage chunk ({@code choices: []}, usage
 *       per {@link GeminiUsage} from the latest {@code usageMetadata}), then {@code [DONE]}.
 *       Every chunk before it has {@code "usage": null}, as OpenAI sends them when usage is
 *       asked for (the gateway always asks, and hides the usage chunk from clients that did not).
 *       When Gemini sent no token counts there is no usage chunk: an unknown count is not 0.
 *       A stream that ends before that is cut: no {@code [DONE]} comes from here.</li>
 *   <li>An event holding a Google {@code error}: the terminal error per {@link GeminiErrors}. A
 *       blocked prompt ({@code promptFeedback.blockReason}, no candidates): the terminal error
 *       {@code content_policy_violation}. An event that is not JSON: the terminal error
 *       {@code upstream_malformed}.</li>
 * </ul>
 * Not thread-safe: one instance per answer, fed from one thread at a time.
 */
public final class GeminiStreamToOpenAi {
    private final String model;
    private final long created;
    private final int expectedCandidates;
    private final Map<Integer, Integer> toolCallsByCandidate = new HashMap<>();
    private final Map<Integer, Boolean> finished = new HashMap<>();
    private String responseId;
    private String chunkModel;
    private JsonNode usageMetadata;
    private boolean completed;
    private boolean failed;

    /**
     * @param model              the deployment's model, when the answer does not name its version
     * @param created            the chunks' {@code created} time, epoch seconds
     * @param expectedCandidates how many candidates were asked for ({@code n})
     */
    public GeminiStreamToOpenAi(String model, long created, int expectedCandidates) {
        this.model = model;
        this.created = created;
        this.expectedCandidates = expectedCandidates;
    }

    /**
     * @param data the SSE {@code data:} field, a JSON {@code GenerateContentResponse}
     * @return the OpenAI events' data to send, in order ({@code [DONE]} last once complete); empty when
     *         there is nothing to send
     */
    public List<String> feed(String data) {
        if (completed || failed) {
            return List.of();
        }
        JsonNode event = Json.parseOrNull(data);
        if (event == null || !(event.isObject() || event.isArray())) {
            return fail(OpenAiErrors.notJsonEvent());
        }
        ObjectNode error = GeminiErrors.streamErrorToOpenAi(event);
        if (error != null) {
            return fail(error);
        }
        if (responseId == null) {
            String id = Json.string(event, "responseId");
            responseId = id != null && !id.isEmpty() ? id : UUID.randomUUID().toString().replace("-", "");
            chunkModel = GeminiToOpenAiResponse.modelOf(event, model);
        }
        if (GeminiUsage.known(event.get("usageMetadata"))) {
            usageMetadata = event.get("usageMetadata");
        }
        JsonNode candidates = event.get("candidates");
        if (candidates == null || !candidates.isArray() || candidates.isEmpty()) {
            JsonNode feedback = event.get("promptFeedback");
            if (feedback != null && Json.present(feedback, "blockReason")) {
                return fail(GeminiErrors.blockedPrompt(feedback));
            }
            return List.of();
        }
        List<String> out = new ArrayList<>(4);
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode candidate = candidates.get(i);
            candidate(candidate, candidate.path("index").asInt(i), out);
        }
        if (finished.size() >= expectedCandidates) {
            if (usageMetadata != null) {
                out.add(OpenAiChunks.usageChunk(head(), GeminiUsage.toOpenAi(usageMetadata)));
            }
            out.add("[DONE]");
            completed = true;
        }
        return out;
    }

    /** True once every candidate finished: the stream is whole and {@code [DONE]} was returned. */
    public boolean completed() {
        return completed;
    }

    /** True once an error (or a malformed event) ended the stream. */
    public boolean failed() {
        return failed;
    }

    private void candidate(JsonNode candidate, int index, List<String> out) {
        if (finished.containsKey(index)) {
            return;
        }
        if (!toolCallsByCandidate.containsKey(index)) {
            toolCallsByCandidate.put(index, 0);
            out.add(chunk(index, OpenAiChunks.assistantDelta(), null));
        }
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                int call = toolCallsByCandidate.merge(index, 1, Integer::sum) - 1;
                ObjectNode whole = GeminiToOpenAiResponse.toolCall(part, responseId, index, call);
                String arguments = whole.get("function").get("arguments").textValue();
                ObjectNode first = Json.object();
                first.put("index", call);
                first.set("id", whole.get("id"));
                first.put("type", "function");
                first.putObject("function").put("name", whole.get("function").get("name").textValue())
                        .put("arguments", "");
                if (whole.has("extra_content")) {
                    first.set("extra_content", whole.get("extra_content"));
                }
                ObjectNode delta = Json.object();
                delta.putArray("tool_calls").add(first);
                out.add(chunk(index, delta, null));
                out.add(chunk(index, OpenAiChunks.toolCallArgumentsDelta(call, arguments), null));
            } else if (part.path("text").isTextual() && !part.get("text").textValue().isEmpty()) {
                ObjectNode delta = Json.object();
                delta.put(part.path("thought").asBoolean(false) ? "reasoning_content" : "content",
                        part.get("text").textValue());
                out.add(chunk(index, delta, null));
            }
        }
        String reason = Json.string(candidate, "finishReason");
        if (reason != null) {
            finished.put(index, true);
            out.add(chunk(index, Json.object(), FinishReasons.finishReason(reason, toolCallsByCandidate.get(index) > 0)));
        }
    }

    private List<String> fail(ObjectNode error) {
        failed = true;
        return List.of(Json.write(error));
    }

    private String chunk(int index, ObjectNode delta, String finishReason) {
        return OpenAiChunks.chunk(head(), index, delta, finishReason, true);
    }

    private ObjectNode head() {
        return OpenAiChunks.head("chatcmpl-" + responseId, created, chunkModel);
    }
}
