package io.brokle.proxy.adapt.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiCompletions;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.adapt.anthropic.ReplyOptions;
import io.brokle.proxy.adapt.anthropic.TokenUsage;

/**
 * A Converse answer ({@code {output:{message:{role, content}}, stopReason, usage, metrics}}) as an
 * OpenAI {@code chat.completion}.
 * <ul>
 *   <li>Converse answers carry no id or model: the id is made up ({@code chatcmpl-...}), the model
 *       is the Bedrock model id called.</li>
 *   <li>{@code text} blocks are joined into {@code message.content} (null when there are only tool
 *       calls, {@code ""} when there is nothing).</li>
 *   <li>{@code toolUse} blocks become {@code tool_calls}: {@code toolUseId} is the {@code id}, the
 *       {@code input} is written as the {@code arguments} JSON string. The {@code response_format}
 *       tool's input is the content instead.</li>
 *   <li>{@code reasoningContent} blocks: their text joined into {@code reasoning_content}, and
 *       each block in {@code thinking_blocks} ({@code thinking} with its {@code signature}, or
 *       {@code redacted_thinking} with its {@code data}), as the Anthropic translation answers, so
 *       that a client can send them back.</li>
 *   <li>{@code stopReason} per {@link #finishReason}; usage per {@link #usage}.</li>
 * </ul>
 */
public final class ConverseToOpenAiResponse {
    private ConverseToOpenAiResponse() {
    }

    /**
     * @param answer  the Converse answer; not modified
     * @param id      the completion id to answer with
     * @param model   the model id called
     * @param created the {@code created} time, epoch seconds
     * @throws TranslationException (502) when {@code answer} is not a Converse answer
     */
    public static ObjectNode translate(JsonNode answer, ReplyOptions reply, String id, String model, long created)
            throws TranslationException {
        JsonNode content = answer == null ? null : answer.path("output").path("message").get("content");
        if (content == null || !content.isArray()) {
            throw TranslationException.badUpstream("The provider's answer is not a Bedrock Converse answer.");
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        StringBuilder reasoning = new StringBuilder();
        ArrayNode thinkingBlocks = Json.array();
        ArrayNode toolCalls = Json.array();
        boolean answeredThroughJsonTool = false;
        for (JsonNode block : content) {
            if (block.has("text")) {
                text.append(block.path("text").asText(""));
                hasText = true;
            } else if (block.has("toolUse")) {
                JsonNode toolUse = block.get("toolUse");
                String name = Json.string(toolUse, "name");
                String arguments = Json.write(toolUse.path("input").isObject() ? toolUse.get("input") : Json.object());
                if (name != null && name.equals(reply.jsonResponseTool())) {
                    text.append(arguments);
                    hasText = true;
                    answeredThroughJsonTool = true;
                } else {
                    toolCalls.add(toolCall(Json.string(toolUse, "toolUseId"), name, arguments));
                }
            } else if (block.has("reasoningContent")) {
                JsonNode reasoningContent = block.get("reasoningContent");
                JsonNode reasoningText = reasoningContent.get("reasoningText");
                if (reasoningText != null) {
                    String thought = reasoningText.path("text").asText("");
                    reasoning.append(thought);
                    thinkingBlocks.add(thinkingBlock(thought, reasoningText.path("signature").asText("")));
                } else if (Json.present(reasoningContent, "redactedContent")) {
                    thinkingBlocks.add(redactedBlock(reasoningContent.path("redactedContent").asText("")));
                }
            }
            // image, document, citations and later block types have no OpenAI answer form.
        }

        ObjectNode out = OpenAiCompletions.head(id, created, model);
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = OpenAiCompletions.assistantMessage(choice, hasText ? text.toString() : null, toolCalls);
        if (!thinkingBlocks.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
            message.set("thinking_blocks", thinkingBlocks);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(Json.string(answer, "stopReason"),
                answeredThroughJsonTool && toolCalls.isEmpty()));
        out.set("usage", usage(answer.get("usage")).toOpenAi());
        return out;
    }

    /**
     * Converse's {@code stopReason} as OpenAI's {@code finish_reason}: {@code end_turn},
     * {@code stop_sequence}: {@code stop}; {@code max_tokens}, {@code model_context_window_exceeded}:
     * {@code length}; {@code tool_use}: {@code tool_calls} (a {@code stop} when the only tool was the
     * {@code response_format} tool); {@code content_filtered}, {@code guardrail_intervened}:
     * {@code content_filter}; anything else: {@code stop}.
     */
    static String finishReason(String stopReason, boolean answeredThroughJsonTool) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> answeredThroughJsonTool ? "stop" : "tool_calls";
            case "content_filtered", "guardrail_intervened" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * Converse's {@code usage} in the gateway's terms: {@code inputTokens} (not read from or
     * written to the prompt cache), {@code outputTokens}, {@code cacheReadInputTokens},
     * {@code cacheWriteInputTokens}; OpenAI's {@code prompt_tokens} is the sum of the three inputs,
     * reads go to {@code prompt_tokens_details.cached_tokens}, writes to
     * {@code prompt_tokens_details.cache_creation_tokens} (priced at their own rate), as for
     * Anthropic.
     */
    static TokenUsage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return TokenUsage.ZERO;
        }
        return new TokenUsage(Json.count(usage, "inputTokens"), Json.count(usage, "outputTokens"),
                Json.count(usage, "cacheReadInputTokens"), Json.count(usage, "cacheWriteInputTokens"));
    }

    static ObjectNode toolCall(String id, String name, String arguments) {
        ObjectNode call = Json.object();
        call.put("id", id);
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", name);
        function.put("arguments", arguments);
        return call;
    }

    static ObjectNode thinkingBlock(String thinking, String signature) {
        ObjectNode block = Json.object();
        block.put("type", "thinking");
        block.put("thinking", thinking);
        block.put("signature", signature);
        return block;
    }

    static ObjectNode redactedBlock(String data) {
        ObjectNode block = Json.object();
        block.put("type", "redacted_thinking");
        block.put("data", data);
        return block;
    }
}
