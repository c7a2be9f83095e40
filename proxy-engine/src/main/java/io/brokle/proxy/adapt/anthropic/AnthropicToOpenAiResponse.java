package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiCompletions;
import io.brokle.proxy.adapt.TranslationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An Anthropic message (the body of a non-streamed {@code POST /v1/messages} answer) as an
 * OpenAI {@code chat.completion}.
 * <ul>
 *   <li>{@code id} and {@code model} are kept as the provider sent them.</li>
 *   <li>{@code text} blocks are joined, without separator, into {@code message.content}; with no
 *       text the content is null when there are tool calls and {@code ""} otherwise. Citations
 *       are dropped.</li>
 *   <li>{@code tool_use} blocks become {@code message.tool_calls} with the same {@code id},
 *       {@code name}, and {@code input} written as the {@code arguments} JSON string. The
 *       {@code response_format} tool's input is the content instead
 *       ({@link ReplyOptions#jsonResponseTool()}).</li>
 *   <li>{@code thinking} blocks are joined into {@code message.reasoning_content} (the field
 *       DeepSeek and others use for visible reasoning); {@code message.thinking_blocks} carries
 *       every {@code thinking} and {@code redacted_thinking} block as sent, signature included,
 *       so that a client can send them back with its next turn, as Anthropic requires during
 *       tool use.</li>
 *   <li>Server tool blocks ({@code server_tool_use}, {@code web_search_tool_result}, ...) have
 *       no OpenAI form and are dropped.</li>
 *   <li>{@code stop_reason} becomes {@code finish_reason} per {@link StopReasons}; usage per
 *       {@link TokenUsage#toOpenAi()}.</li>
 * </ul>
 */
public final class AnthropicToOpenAiResponse {
    private AnthropicToOpenAiResponse() {
    }

    /**
     * @param message the Anthropic message; not modified
     * @param reply   from the translated request
     * @param created the {@code created} time, epoch seconds
     * @throws TranslationException (502) when {@code message} is not an Anthropic message
     */
    public static ObjectNode translate(JsonNode message, ReplyOptions reply, long created)
            throws TranslationException {
        if (message == null || !"message".equals(Json.string(message, "type")) || !message.path("content").isArray()) {
            throw TranslationException.badUpstream("The provider's answer is not an Anthropic message.");
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        StringBuilder reasoning = new StringBuilder();
        ArrayNode thinkingBlocks = Json.array();
        ArrayNode toolCalls = Json.array();
        boolean answeredThroughJsonTool = false;
        for (JsonNode block : message.get("content")) {
            String type = Json.string(block, "type");
            switch (type == null ? "" : type) {
                case "text" -> {
                    text.append(block.path("text").asText(""));
                    hasText = true;
                }
                case "tool_use" -> {
                    String name = Json.string(block, "name");
                    String arguments = Json.write(block.path("input").isObject() ? block.get("input") : Json.object());
                    if (name != null && name.equals(reply.jsonResponseTool())) {
                        text.append(arguments);
                        hasText = true;
                        answeredThroughJsonTool = true;
                    } else {
                        toolCalls.add(toolCall(Json.string(block, "id"), name, arguments));
                    }
                }
                case "thinking" -> {
                    reasoning.append(block.path("thinking").asText(""));
                    thinkingBlocks.add(block.deepCopy());
                }
                case "redacted_thinking" -> thinkingBlocks.add(block.deepCopy());
                default -> {
                    // Server tools and future block types have no OpenAI form.
                }
            }
        }

        ObjectNode out = OpenAiCompletions.head(Json.string(message, "id"), created, Json.string(message, "model"));
        ObjectNode choice = out.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode reply0 = OpenAiCompletions.assistantMessage(choice, hasText ? text.toString() : null, toolCalls);
        if (!thinkingBlocks.isEmpty()) {
            reply0.put("reasoning_content", reasoning.toString());
            reply0.set("thinking_blocks", thinkingBlocks);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", StopReasons.finishReason(Json.string(message, "stop_reason"),
                answeredThroughJsonTool && toolCalls.isEmpty()));
        out.set("usage", TokenUsage.fromAnthropic(message.get("usage")).toOpenAi());
        return out;
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
}
