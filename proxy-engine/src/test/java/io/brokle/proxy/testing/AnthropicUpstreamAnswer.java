package io.brokle.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The deterministic answer of {@link AnthropicUpstream} to one request, as a whole message and as
 * the events of Anthropic's stream.
 * <ul>
 *   <li>With {@code thinking} enabled: first a {@code thinking} block with a signature.</li>
 *   <li>With tools, when {@code tool_choice} forces one ({@code any}, {@code tool}) or the last
 *       user message contains "use the tool": a {@code tool_use} block for the named (or first)
 *       tool, its input made from the tool's schema (strings {@code "mock"}, numbers 1,
 *       booleans true), preceded by a sentence unless forced; {@code stop_reason: tool_use}.</li>
 *   <li>Otherwise the text {@code Hello! You said: <last user text>}, cut at the first stop
 *       sequence it contains ({@code stop_sequence}) or after {@code max_tokens} words
 *       ({@code max_tokens}).</li>
 *   <li>Usage: a token is four characters of the request's JSON; output tokens are words. With
 *       {@code cache_control} markers, the tokens up to the last marked block (tools, then
 *       system, then messages, as Anthropic orders the prompt) are written to the cache the
 *       first time that prefix is seen and read from it afterwards; the mock has no minimum
 *       cacheable length.</li>
 * </ul>
 */
final class AnthropicUpstreamAnswer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEXT_PIECE_CHARS = 12;
    private static final int JSON_PIECE_CHARS = 9;

    private final ObjectNode message;
    private final List<Map.Entry<String, String>> events;

    private AnthropicUpstreamAnswer(ObjectNode message, List<Map.Entry<String, String>> events) {
        this.message = message;
        this.events = events;
    }

    /** The message, the body of a non-streamed answer. */
    ObjectNode message() {
        return message;
    }

    /** The stream's events as (event name, data JSON), ping included. */
    List<Map.Entry<String, String>> events() {
        return events;
    }

    static AnthropicUpstreamAnswer of(JsonNode request, AnthropicUpstream upstream) {
        String id = "msg_mock_" + digest(request.toString()).substring(0, 24);
        String lastUserText = lastUserText(request.get("messages"));
        String toolResult = lastToolResult(request.get("messages"));
        long maxTokens = request.path("max_tokens").asLong();
        ArrayNode content = JSON.createArrayNode();
        String stopReason = "end_turn";
        String stopSequence = null;
        long outputTokens = 0;

        if ("enabled".equals(request.path("thinking").path("type").asText())) {
            ObjectNode thinking = content.addObject();
            String thought = "The user wrote \"" + lastUserText + "\". I will answer briefly.";
            thinking.put("type", "thinking");
            thinking.put("thinking", thought);
            thinking.put("signature", Base64.getEncoder().encodeToString(
                    digest("signature:" + thought).getBytes(StandardCharsets.US_ASCII)));
            outputTokens += words(thought);
        }
        JsonNode tools = request.get("tools");
        String choice = request.path("tool_choice").path("type").asText("auto");
        boolean forced = "any".equals(choice) || "tool".equals(choice);
        boolean useTool = tools != null && tools.isArray() && !tools.isEmpty() && !"none".equals(choice)
                && (forced || (toolResult == null && lastUserText.toLowerCase(Locale.ROOT).contains("use the tool")));
        if (useTool) {
            JsonNode tool = tools.get(0);
            if ("tool".equals(choice)) {
                for (JsonNode candidate : tools) {
                    if (candidate.path("name").asText().equals(request.path("tool_choice").path("name").asText())) {
                        tool = candidate;
                    }
                }
            }
            String name = tool.path("name").asText();
            if (!forced) {
                String intro = "I'll use the " + name + " tool.";
                content.addObject().put("type", "text").put("text", intro);
                outputTokens += words(intro);
            }
            ObjectNode toolUse = content.addObject();
            toolUse.put("type", "tool_use");
            toolUse.put("id", "toolu_mock_" + digest(id + name).substring(0, 20));
            toolUse.put("name", name);
            ObjectNode input = inputFor(tool.path("input_schema"));
            toolUse.set("input", input);
            outputTokens += Math.max(1, input.toString().length() / 4);
            stopReason = "tool_use";
        } else {
            String text = toolResult != null ? "The tool said: " + toolResult : "Hello! You said: " + lastUserText;
            for (JsonNode sequence : request.path("stop_sequences")) {
                int at = text.indexOf(sequence.asText());
                if (at >= 0 && !sequence.asText().isEmpty()) {
                    text = text.substring(0, at);
                    stopReason = "stop_sequence";
                    stopSequence = sequence.asText();
                    break;
                }
            }
            String[] words = text.split(" ");
            if (words.length > maxTokens - outputTokens) {
                text = String.join(" ", List.of(words).subList(0, (int) Math.max(0, maxTokens - outputTokens)));
                stopReason = "max_tokens";
                stopSequence = null;
            }
            content.addObject().put("type", "text").put("text", text);
            outputTokens += words(text);
        }

        ObjectNode usage = usage(request, upstream);
        usage.put("output_tokens", outputTokens);
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.put("model", request.path("model").asText());
        message.set("content", content);
        message.put("stop_reason", stopReason);
        message.put("stop_sequence", stopSequence);
        message.set("usage", usage);
        return new AnthropicUpstreamAnswer(message, events(message));
    }

    /** The events Anthropic sends for {@code message}, in its order. */
    private static List<Map.Entry<String, String>> events(ObjectNode message) {
        List<Map.Entry<String, String>> events = new ArrayList<>();
        ObjectNode start = message.deepCopy();
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        ((ObjectNode) start.get("usage")).put("output_tokens", 1);
        ObjectNode messageStart = JSON.createObjectNode().put("type", "message_start");
        messageStart.set("message", start);
        add(events, messageStart);
        JsonNode content = message.get("content");
        for (int i = 0; i < content.size(); i++) {
            int index = i;
            JsonNode block = content.get(i);
            String type = block.get("type").asText();
            ObjectNode empty = JSON.createObjectNode().put("type", type);
            switch (type) {
                case "text" -> empty.put("text", "");
                case "thinking" -> empty.put("thinking", "").put("signature", "");
                case "tool_use" -> {
                    empty.set("id", block.get("id"));
                    empty.set("name", block.get("name"));
                    empty.putObject("input");
                }
                default -> throw new IllegalStateException("no stream form for " + type);
            }
            ObjectNode blockStart = JSON.createObjectNode().put("type", "content_block_start").put("index", i);
            blockStart.set("content_block", empty);
            add(events, blockStart);
            if (i == 0) {
                add(events, JSON.createObjectNode().put("type", "ping"));
            }
            switch (type) {
                case "text" -> pieces(block.get("text").asText(), TEXT_PIECE_CHARS)
                        .forEach(piece -> add(events, delta(index, "text_delta", "text", piece)));
                case "thinking" -> {
                    pieces(block.get("thinking").asText(), TEXT_PIECE_CHARS)
                            .forEach(piece -> add(events, delta(index, "thinking_delta", "thinking", piece)));
                    add(events, delta(index, "signature_delta", "signature", block.get("signature").asText()));
                }
                default -> {
                    // Anthropic starts a tool's input with an empty fragment.
                    add(events, delta(index, "input_json_delta", "partial_json", ""));
                    pieces(block.get("input").toString(), JSON_PIECE_CHARS)
                            .forEach(piece -> add(events, delta(index, "input_json_delta", "partial_json", piece)));
                }
            }
            add(events, JSON.createObjectNode().put("type", "content_block_stop").put("index", i));
        }
        ObjectNode messageDelta = JSON.createObjectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", message.get("stop_reason").asText())
                .set("stop_sequence", message.get("stop_sequence"));
        messageDelta.putObject("usage").put("output_tokens", message.get("usage").get("output_tokens").asLong());
        add(events, messageDelta);
        add(events, JSON.createObjectNode().put("type", "message_stop"));
        return events;
    }

    private static ObjectNode delta(int index, String deltaType, String field, String value) {
        ObjectNode event = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        event.putObject("delta").put("type", deltaType).put(field, value);
        return event;
    }

    private static void add(List<Map.Entry<String, String>> events, ObjectNode data) {
        events.add(Map.entry(data.get("type").asText(), data.toString()));
    }

    private static List<String> pieces(String text, int size) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return pieces;
    }

    /** What {@code POST /v1/messages/count_tokens} answers: the input tokens the same message would count. */
    static ObjectNode tokenCount(JsonNode request) {
        long total = 0;
        for (JsonNode part : promptParts(request)) {
            total += tokens(part);
        }
        return JSON.createObjectNode().put("input_tokens", total);
    }

    /** The prompt as Anthropic orders it for caching: tools, then system, then the messages' blocks. */
    private static List<JsonNode> promptParts(JsonNode request) {
        List<JsonNode> prompt = new ArrayList<>();
        request.path("tools").forEach(prompt::add);
        JsonNode system = request.get("system");
        if (system != null && system.isArray()) {
            system.forEach(prompt::add);
        } else if (system != null) {
            prompt.add(system);
        }
        for (JsonNode message : request.path("messages")) {
            JsonNode content = message.path("content");
            if (content.isArray()) {
                content.forEach(prompt::add);
            } else {
                prompt.add(content);
            }
        }
        return prompt;
    }

    private static ObjectNode usage(JsonNode request, AnthropicUpstream upstream) {
        List<JsonNode> prompt = promptParts(request);
        long total = 0;
        long prefix = 0;
        StringBuilder prefixKey = new StringBuilder(request.path("model").asText());
        StringBuilder running = new StringBuilder();
        for (JsonNode part : prompt) {
            total += tokens(part);
            running.append(part);
            if (part.has("cache_control")) {
                prefix = total;
                prefixKey.setLength(0);
                prefixKey.append(request.path("model").asText()).append(running);
            }
        }
        ObjectNode usage = JSON.createObjectNode();
        long read = 0;
        long written = 0;
        if (prefix > 0) {
            if (upstream.cacheHit(digest(prefixKey.toString()), prefix)) {
                read = prefix;
            } else {
                written = prefix;
            }
        }
        usage.put("input_tokens", total - prefix);
        usage.put("cache_creation_input_tokens", written);
        usage.put("cache_read_input_tokens", read);
        return usage;
    }

    private static long tokens(JsonNode part) {
        return Math.max(1, (part.toString().length() + 3) / 4);
    }

    private static long words(String text) {
        return text.isBlank() ? 0 : text.trim().split("\\s+").length;
    }

    private static String lastUserText(JsonNode messages) {
        String last = "";
        for (JsonNode message : messages) {
            if (!"user".equals(message.path("role").asText())) {
                continue;
            }
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                last = content.asText();
                continue;
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode block : content) {
                if ("text".equals(block.path("type").asText())) {
                    text.append(text.isEmpty() ? "" : " ").append(block.path("text").asText());
                }
            }
            if (!text.isEmpty()) {
                last = text.toString();
            }
        }
        return last;
    }

    /** The text of the tool results in the last message, when it is a user turn with some; else null. */
    private static String lastToolResult(JsonNode messages) {
        JsonNode last = messages.get(messages.size() - 1);
        if (!"user".equals(last.path("role").asText()) || !last.path("content").isArray()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        boolean any = false;
        for (JsonNode block : last.get("content")) {
            if (!"tool_result".equals(block.path("type").asText())) {
                continue;
            }
            if (any) {
                text.append(' ');
            }
            any = true;
            JsonNode content = block.path("content");
            if (content.isTextual()) {
                text.append(content.asText());
            } else {
                content.forEach(inner -> text.append(inner.path("text").asText()));
            }
        }
        return any ? text.toString() : null;
    }

    private static ObjectNode inputFor(JsonNode schema) {
        ObjectNode input = JSON.createObjectNode();
        schema.path("properties").properties().forEach(property -> {
            switch (property.getValue().path("type").asText()) {
                case "number", "integer" -> input.put(property.getKey(), 1);
                case "boolean" -> input.put(property.getKey(), true);
                case "array" -> input.putArray(property.getKey()).add("mock");
                case "object" -> input.putObject(property.getKey());
                default -> input.put(property.getKey(), "mock");
            }
        });
        return input;
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
