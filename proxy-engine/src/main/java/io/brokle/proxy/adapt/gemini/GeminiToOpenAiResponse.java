package io.brokle.proxy.adapt.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiCompletions;
import io.brokle.proxy.adapt.TranslationException;

/**
 * A Gemini {@code GenerateContentResponse} (the body of a non-streamed {@code generateContent}
 * answer) as an OpenAI {@code chat.completion}.
 * <ul>
 *   <li>{@code id} is {@code chatcmpl-} and the {@code responseId}; {@code model} is the
 *       {@code modelVersion} (else the deployment's model).</li>
 *   <li>Each candidate is a choice, at its {@code index}. Its {@code text} parts are joined, without
 *       separator, into {@code message.content}; with no text the content is null when there are
 *       tool calls and {@code ""} otherwise.</li>
 *   <li>Parts with {@code thought: true} are joined into {@code message.reasoning_content}, the
 *       field the gateway's Anthropic translation and DeepSeek use for visible reasoning.</li>
 *   <li>{@code functionCall} parts become {@code message.tool_calls}: the id per
 *       {@link ToolCallIds}, the name, and {@code args} written as the {@code arguments} JSON
 *       string. A part's {@code thoughtSignature} rides along as
 *       {@code extra_content.google.thought_signature}, the field Google's own OpenAI-compatible
 *       endpoint uses, so that a client sending the call back sends the signature too.</li>
 *   <li>Other parts (code execution, inline data) have no OpenAI form and are dropped.</li>
 *   <li>{@code finishReason} per {@link FinishReasons}; usage per {@link GeminiUsage}, left out
 *       when Gemini sent no counts (an unknown count must not read as 0, or cost $0).</li>
 *   <li>No candidates and a {@code promptFeedback.blockReason}: the prompt was blocked, a
 *       {@link TranslationException#contentPolicy} (400 {@code content_policy_violation}).</li>
 * </ul>
 */
public final class GeminiToOpenAiResponse {
    private GeminiToOpenAiResponse() {
    }

    /**
     * @param response the Gemini answer; not modified
     * @param model    the deployment's model, when the answer does not name its version
     * @param created  the {@code created} time, epoch seconds
     * @throws TranslationException 400 for a blocked prompt; 502 when {@code response} is not a Gemini answer
     */
    public static ObjectNode translate(JsonNode response, String model, long created) throws TranslationException {
        if (response == null || !response.isObject()) {
            throw TranslationException.badUpstream("The provider's answer is not a Gemini GenerateContentResponse.");
        }
        JsonNode candidates = response.get("candidates");
        if (candidates == null || !candidates.isArray() || candidates.isEmpty()) {
            JsonNode feedback = response.get("promptFeedback");
            if (feedback != null && Json.present(feedback, "blockReason")) {
                throw TranslationException.contentPolicy(GeminiErrors.blockedPromptMessage(feedback));
            }
            throw TranslationException.badUpstream("The provider's answer has no candidates.");
        }
        String responseId = responseId(response);
        ObjectNode out = OpenAiCompletions.head("chatcmpl-" + responseId, created, modelOf(response, model));
        ArrayNode choices = out.putArray("choices");
        for (int i = 0; i < candidates.size(); i++) {
            JsonNode candidate = candidates.get(i);
            choices.add(choice(candidate, candidate.path("index").asInt(i), responseId));
        }
        if (GeminiUsage.known(response.get("usageMetadata"))) {
            out.set("usage", GeminiUsage.toOpenAi(response.get("usageMetadata")));
        }
        return out;
    }

    private static ObjectNode choice(JsonNode candidate, int index, String responseId) {
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        StringBuilder reasoning = new StringBuilder();
        boolean hasReasoning = false;
        ArrayNode toolCalls = Json.array();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("functionCall")) {
                toolCalls.add(toolCall(part, responseId, index, toolCalls.size()));
            } else if (part.path("text").isTextual()) {
                if (part.path("thought").asBoolean(false)) {
                    reasoning.append(part.get("text").textValue());
                    hasReasoning = true;
                } else {
                    text.append(part.get("text").textValue());
                    hasText = true;
                }
            }
        }
        ObjectNode choice = Json.object();
        choice.put("index", index);
        ObjectNode message = OpenAiCompletions.assistantMessage(choice, hasText ? text.toString() : null, toolCalls);
        if (hasReasoning) {
            message.put("reasoning_content", reasoning.toString());
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", FinishReasons.finishReason(Json.string(candidate, "finishReason"), !toolCalls.isEmpty()));
        return choice;
    }

    /**
     * An OpenAI tool call for a {@code functionCall} part, {@code index} left out.
     *
     * @param call the call's position within its candidate, from 0
     */
    static ObjectNode toolCall(JsonNode part, String responseId, int candidate, int call) {
        JsonNode functionCall = part.get("functionCall");
        ObjectNode out = Json.object();
        out.put("id", ToolCallIds.of(Json.string(functionCall, "id"), responseId, candidate, call));
        out.put("type", "function");
        ObjectNode function = out.putObject("function");
        function.put("name", Json.string(functionCall, "name"));
        JsonNode args = functionCall.get("args");
        function.put("arguments", Json.write(args != null && args.isObject() ? args : Json.object()));
        String signature = Json.string(part, "thoughtSignature");
        if (signature != null) {
            out.putObject("extra_content").putObject("google").put("thought_signature", signature);
        }
        return out;
    }

    /** The answer's {@code responseId}, or a value made from its content when Gemini sent none. */
    static String responseId(JsonNode response) {
        String id = Json.string(response, "responseId");
        if (id != null && !id.isEmpty()) {
            return id;
        }
        return Integer.toHexString(Json.write(response.path("candidates")).hashCode());
    }

    static String modelOf(JsonNode response, String model) {
        String version = Json.string(response, "modelVersion");
        return version != null && !version.isEmpty() ? version : model;
    }
}
