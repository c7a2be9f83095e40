package io.brokle.proxy.adapt.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.testing.TestJson;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Streams put back together the way client SDKs do it, so tests can compare a stream's content
 * with a whole answer.
 */
final class Assemble {
    private Assemble() {
    }

    /**
     * OpenAI chunks accumulated like openai-python's {@code ChatCompletionStreamState}: content,
     * reasoning and tool-call argument fragments appended per index, id and name taken from the
     * first delta of a call.
     */
    static ObjectNode openAiCompletion(List<String> chunks) {
        StringBuilder content = null;
        StringBuilder reasoning = null;
        ArrayNode thinkingBlocks = null;
        Map<Integer, ObjectNode> calls = new TreeMap<>();
        ObjectNode out = TestJson.MAPPER.createObjectNode();
        String finishReason = null;
        for (String text : chunks) {
            JsonNode chunk = TestJson.parse(text);
            if (chunk.has("error")) {
                throw new AssertionError("error chunk: " + text);
            }
            out.put("id", chunk.path("id").asText());
            out.put("model", chunk.path("model").asText());
            if (chunk.path("usage").isObject()) {
                out.set("usage", chunk.get("usage"));
            }
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode delta = choice.path("delta");
                if (delta.path("content").isTextual()) {
                    content = (content == null ? new StringBuilder() : content).append(delta.get("content").asText());
                }
                if (delta.path("reasoning_content").isTextual()) {
                    reasoning = (reasoning == null ? new StringBuilder() : reasoning)
                            .append(delta.get("reasoning_content").asText());
                }
                if (delta.path("thinking_blocks").isArray()) {
                    thinkingBlocks = thinkingBlocks == null ? TestJson.MAPPER.createArrayNode() : thinkingBlocks;
                    thinkingBlocks.addAll((ArrayNode) delta.get("thinking_blocks"));
                }
                for (JsonNode call : delta.path("tool_calls")) {
                    ObjectNode whole = calls.computeIfAbsent(call.get("index").asInt(), i -> {
                        ObjectNode fresh = TestJson.MAPPER.createObjectNode();
                        fresh.putObject("function").put("arguments", "");
                        return fresh;
                    });
                    if (call.has("id")) {
                        whole.put("id", call.get("id").asText());
                        whole.put("type", call.path("type").asText());
                    }
                    JsonNode function = call.path("function");
                    ObjectNode wholeFunction = (ObjectNode) whole.get("function");
                    if (function.has("name")) {
                        wholeFunction.put("name", function.get("name").asText());
                    }
                    wholeFunction.put("arguments", wholeFunction.get("arguments").asText()
                            + function.path("arguments").asText(""));
                }
                if (choice.path("finish_reason").isTextual()) {
                    finishReason = choice.get("finish_reason").asText();
                }
            }
        }
        ObjectNode message = TestJson.MAPPER.createObjectNode();
        message.put("role", "assistant");
        message.put("content", content == null ? null : content.toString());
        if (!calls.isEmpty()) {
            ArrayNode toolCalls = message.putArray("tool_calls");
            calls.values().forEach(call -> {
                ObjectNode ordered = TestJson.MAPPER.createObjectNode();
                ordered.set("id", call.get("id"));
                ordered.set("type", call.get("type"));
                ObjectNode function = ordered.putObject("function");
                function.set("name", call.get("function").get("name"));
                function.set("arguments", call.get("function").get("arguments"));
                toolCalls.add(ordered);
            });
        }
        if (reasoning != null) {
            message.put("reasoning_content", reasoning.toString());
        }
        if (thinkingBlocks != null) {
            message.set("thinking_blocks", thinkingBlocks);
        }
        out.putArray("choices").addObject().put("index", 0).<ObjectNode>set("message", message)
                .put("finish_reason", finishReason);
        return out;
    }

    /**
     * Anthropic events accumulated like the Anthropic SDKs' message accumulators: the message of
     * {@code message_start}, blocks by index, deltas appended, {@code partial_json} parsed when
     * the block stops, {@code message_delta} fields and usage merged in.
     */
    static ObjectNode anthropicMessage(List<Map.Entry<String, String>> events) {
        ObjectNode message = null;
        Map<Integer, StringBuilder> partialJson = new TreeMap<>();
        for (Map.Entry<String, String> entry : events) {
            JsonNode event = TestJson.parse(entry.getValue());
            String type = event.path("type").asText();
            if (entry.getKey() != null && !entry.getKey().equals(type)) {
                throw new AssertionError("event name " + entry.getKey() + " but data type " + type);
            }
            switch (type) {
                case "message_start" -> message = (ObjectNode) event.get("message").deepCopy();
                case "content_block_start" -> {
                    ArrayNode content = (ArrayNode) message.get("content");
                    int index = event.get("index").asInt();
                    if (index != content.size()) {
                        throw new AssertionError("block " + index + " started after " + content.size() + " blocks");
                    }
                    content.add(event.get("content_block").deepCopy());
                }
                case "content_block_delta" -> {
                    int index = event.get("index").asInt();
                    ObjectNode block = (ObjectNode) message.get("content").get(index);
                    JsonNode delta = event.get("delta");
                    switch (delta.get("type").asText()) {
                        case "text_delta" -> block.put("text", block.get("text").asText() + delta.get("text").asText());
                        case "thinking_delta" -> block.put("thinking",
                                block.get("thinking").asText() + delta.get("thinking").asText());
                        case "signature_delta" -> block.put("signature",
                                block.path("signature").asText("") + delta.get("signature").asText());
                        case "input_json_delta" -> partialJson.computeIfAbsent(index, i -> new StringBuilder())
                                .append(delta.get("partial_json").asText());
                        default -> throw new AssertionError("unknown delta " + delta);
                    }
                }
                case "content_block_stop" -> {
                    int index = event.get("index").asInt();
                    StringBuilder json = partialJson.remove(index);
                    if (json != null && !json.isEmpty()) {
                        ((ObjectNode) message.get("content").get(index)).set("input", TestJson.parse(json.toString()));
                    }
                }
                case "message_delta" -> {
                    message.set("stop_reason", event.get("delta").get("stop_reason"));
                    message.set("stop_sequence", event.get("delta").get("stop_sequence"));
                    ObjectNode usage = (ObjectNode) message.get("usage");
                    event.path("usage").properties().forEach(field -> {
                        if (!field.getValue().isNull()) {
                            usage.set(field.getKey(), field.getValue());
                        }
                    });
                }
                case "message_stop", "ping" -> {
                }
                case "error" -> throw new AssertionError("error event: " + entry.getValue());
                default -> throw new AssertionError("unknown event " + type);
            }
        }
        return message;
    }

    /** Anthropic events from a translator, as (name, data) entries. */
    static List<Map.Entry<String, String>> entries(List<AnthropicEvent> events) {
        return events.stream().map(e -> Map.entry(e.name(), e.data())).toList();
    }
}
