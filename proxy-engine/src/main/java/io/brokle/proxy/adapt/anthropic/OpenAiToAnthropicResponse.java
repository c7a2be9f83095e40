package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An OpenAI {@code chat.completion} as an Anthropic message, for clients of the gateway's
 * {@code /v1/messages}. Only the first choice counts (the translated request never asks for
 * more).
 * <ul>
 *   <li>{@code id} and {@code model} are kept as the provider sent them.</li>
 *   <li>Blocks, in Anthropic's order: a {@code thinking} block from {@code reasoning_content}
 *       (or {@code reasoning}, as vLLM and OpenRouter call it) with an empty signature, since
 *       no OpenAI-format provider signs its reasoning; a {@code text} block from the content,
 *       or from {@code refusal}; a {@code tool_use} block per tool call, {@code arguments}
 *       parsed into {@code input} (empty arguments: {@code {}}).</li>
 *   <li>{@code finish_reason} becomes {@code stop_reason} per {@link StopReasons} (a refusal
 *       is {@code refusal}); {@code stop_sequence} is null: OpenAI does not say which one
 *       matched.</li>
 *   <li>Usage per {@link TokenUsage#fromOpenAi}: {@code input_tokens} excludes cached tokens.</li>
 * </ul>
 */
public final class OpenAiToAnthropicResponse {
    private OpenAiToAnthropicResponse() {
    }

    /**
     * @param completion the OpenAI answer; not modified
     * @throws TranslationException (502) when it has no choice or a tool call's arguments are
     *                              not a JSON object
     */
    public static ObjectNode translate(JsonNode completion) throws TranslationException {
        JsonNode choices = completion == null ? null : completion.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty() || !choices.get(0).path("message").isObject()) {
            throw TranslationException.badUpstream("The provider's answer is not a chat completion with a choice.");
        }
        JsonNode choice = choices.get(0);
        JsonNode message = choice.get("message");
        ArrayNode content = Json.array();
        String reasoning = reasoningOf(message);
        if (reasoning != null && !reasoning.isEmpty()) {
            ObjectNode thinking = content.addObject();
            thinking.put("type", "thinking");
            thinking.put("thinking", reasoning);
            thinking.put("signature", "");
        }
        String text = textOf(message.get("content"));
        String refusal = Json.string(message, "refusal");
        if (text != null && !text.isEmpty()) {
            content.add(OpenAiMessagesToAnthropic.textBlock(text));
        } else if (refusal != null) {
            content.add(OpenAiMessagesToAnthropic.textBlock(refusal));
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (JsonNode call : toolCalls) {
                content.add(toolUse(call.path("id").asText(""), call.path("function").path("name").asText(""),
                        call.path("function").path("arguments").asText("")));
            }
        }
        ObjectNode out = Json.object();
        out.put("id", Json.string(completion, "id"));
        out.put("type", "message");
        out.put("role", "assistant");
        out.put("model", Json.string(completion, "model"));
        out.set("content", content);
        String finishReason = Json.string(choice, "finish_reason");
        out.put("stop_reason", refusal != null && (text == null || text.isEmpty()) ? "refusal"
                : StopReasons.stopReason(finishReason));
        out.putNull("stop_sequence");
        out.set("usage", TokenUsage.fromOpenAi(completion.get("usage")).toAnthropic());
        return out;
    }

    static ObjectNode toolUse(String id, String name, String arguments) throws TranslationException {
        JsonNode input = arguments.isBlank() ? Json.object() : Json.parseOrNull(arguments);
        if (input == null || !input.isObject()) {
            throw TranslationException.badUpstream("The provider's tool call \"" + name
                    + "\" has arguments that are not a JSON object.");
        }
        ObjectNode block = Json.object();
        block.put("type", "tool_use");
        block.put("id", id);
        block.put("name", name);
        block.set("input", input);
        return block;
    }

    static String reasoningOf(JsonNode messageOrDelta) {
        String reasoning = Json.string(messageOrDelta, "reasoning_content");
        return reasoning != null ? reasoning : Json.string(messageOrDelta, "reasoning");
    }

    private static String textOf(JsonNode content) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(Json.string(part, "type"))) {
                text.append(part.path("text").asText(""));
            }
        }
        return text.toString();
    }
}
