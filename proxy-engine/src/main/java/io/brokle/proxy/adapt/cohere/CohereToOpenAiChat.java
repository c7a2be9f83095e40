package io.brokle.proxy.adapt.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiCompletions;
import io.brokle.proxy.adapt.TranslationException;

/**
 * A whole Cohere v2 chat answer as an OpenAI {@code chat.completion}.
 * <ul>
 *   <li>{@code id} is Cohere's; {@code model} is the deployment's model (Cohere's answer does
 *       not name it).</li>
 *   <li>The {@code text} items of {@code message.content} joined are the message's
 *       {@code content} ({@code null} when there are none, as OpenAI answers tool calls).</li>
 *   <li>{@code thinking} items joined, then {@code message.tool_plan}, are
 *       {@code reasoning_content}; {@code tool_plan} is also kept as the message's
 *       {@code tool_plan} (an extension), which {@link OpenAiMessagesToCohere} sends back.</li>
 *   <li>{@code message.tool_calls} keep their ids, names and argument strings.</li>
 *   <li>{@code finish_reason} follows {@link FinishReasons}; {@code ERROR} and {@code TIMEOUT}
 *       make the answer a 502, since its content is not whole.</li>
 *   <li>{@code usage} follows {@link CohereUsage}. Citations and logprobs have no OpenAI form here
 *       and are left out.</li>
 * </ul>
 */
public final class CohereToOpenAiChat {
    private CohereToOpenAiChat() {
    }

    /**
     * @param answer  Cohere's answer body
     * @param model   the model name to answer with
     * @param created the answer's {@code created} time, epoch seconds
     * @throws TranslationException (502) when the answer is not a Cohere chat answer, or reports a failure
     */
    public static ObjectNode translate(JsonNode answer, String model, long created) throws TranslationException {
        if (answer == null || !answer.isObject() || !answer.path("message").isObject()) {
            throw TranslationException.badUpstream("The provider's answer is not a Cohere chat answer.");
        }
        String finish = Json.string(answer, "finish_reason");
        if (FinishReasons.isFailure(finish)) {
            throw TranslationException.badUpstream("The provider ended its answer with finish_reason " + finish + ".");
        }
        JsonNode message = answer.get("message");
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        boolean hasText = false;
        for (JsonNode item : message.path("content")) {
            String type = Json.string(item, "type");
            if ("text".equals(type)) {
                text.append(item.path("text").asText(""));
                hasText = true;
            } else if ("thinking".equals(type)) {
                reasoning.append(item.path("thinking").asText(""));
            }
        }
        if (message.path("content").isTextual()) {
            text.append(message.get("content").textValue());
            hasText = true;
        }
        String toolPlan = Json.string(message, "tool_plan");
        if (toolPlan != null && !toolPlan.isEmpty()) {
            reasoning.append(reasoning.isEmpty() ? "" : "\n").append(toolPlan);
        }

        ObjectNode out = OpenAiCompletions.head(answer.path("id").asText(""), created, model);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode outMessage = choice.putObject("message");
        outMessage.put("role", "assistant");
        if (hasText) {
            outMessage.put("content", text.toString());
        } else {
            outMessage.putNull("content");
        }
        outMessage.putNull("refusal");
        if (!reasoning.isEmpty()) {
            outMessage.put("reasoning_content", reasoning.toString());
        }
        if (toolPlan != null && !toolPlan.isEmpty()) {
            outMessage.put("tool_plan", toolPlan);
        }
        boolean calledTools = false;
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) {
            calledTools = true;
            ArrayNode calls = outMessage.putArray("tool_calls");
            for (JsonNode call : toolCalls) {
                ObjectNode outCall = calls.addObject();
                outCall.put("id", call.path("id").asText(""));
                outCall.put("type", "function");
                ObjectNode function = outCall.putObject("function");
                function.put("name", call.path("function").path("name").asText(""));
                function.put("arguments", call.path("function").path("arguments").asText(""));
            }
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", FinishReasons.toOpenAi(finish, calledTools));
        out.set("usage", CohereUsage.of(answer.get("usage")).toOpenAiChat());
        return out;
    }
}
