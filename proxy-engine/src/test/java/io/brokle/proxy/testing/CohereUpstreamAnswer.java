package io.brokle.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The deterministic answers of {@link CohereUpstream}, in Cohere v2's wire format: a chat answer
 * as a whole body and as the events of its stream, and an embed answer.
 * <ul>
 *   <li>With {@code thinking} enabled: a {@code thinking} content item first.</li>
 *   <li>With tools, when {@code tool_choice} is {@code REQUIRED} or the last user message
 *       contains "use the tool": a {@code tool_plan} and one call of the first tool, its
 *       arguments made from the tool's schema (strings {@code "mock"}, numbers 1, booleans
 *       true); {@code finish_reason: TOOL_CALL}.</li>
 *   <li>With {@code response_format} {@code json_object}: the text is a JSON object
 *       {@code {"answer": <last user text>}}.</li>
 *   <li>Otherwise the text {@code Hello! You said: <last user text>}, cut before the first stop
 *       sequence it contains ({@code STOP_SEQUENCE}) or after {@code max_tokens} words
 *       ({@code MAX_TOKENS}).</li>
 *   <li>Usage: {@code billed_units.input_tokens} is the words of the messages' text,
 *       {@code tokens.input_tokens} adds {@link #TEMPLATE_TOKENS} for Cohere's own prompt
 *       template; output tokens are words, both pairs.</li>
 *   <li>Embeddings: one vector per text, {@code output_dimension} long (default
 *       {@link #DEFAULT_DIMENSION}), made from the text's bytes; billed input tokens are words.</li>
 * </ul>
 */
final class CohereUpstreamAnswer {
    static final int TEMPLATE_TOKENS = 50;
    static final int DEFAULT_DIMENSION = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TEXT_PIECE_CHARS = 8;
    private static final int ARGUMENT_PIECE_CHARS = 6;

    private final ObjectNode body;
    private final List<Map.Entry<String, String>> events;

    private CohereUpstreamAnswer(ObjectNode body, List<Map.Entry<String, String>> events) {
        this.body = body;
        this.events = events;
    }

    /** The body of a non-streamed chat answer. */
    ObjectNode body() {
        return body;
    }

    /** The chat stream's events as (event name, data JSON). */
    List<Map.Entry<String, String>> events() {
        return events;
    }

    static CohereUpstreamAnswer chat(JsonNode request) {
        String id = UUID.nameUUIDFromBytes(request.toString().getBytes(StandardCharsets.UTF_8)).toString();
        String lastUserText = lastUserText(request.get("messages"));
        long inputWords = inputWords(request.get("messages"));
        ObjectNode message = JSON.createObjectNode();
        message.put("role", "assistant");
        ArrayNode content = JSON.createArrayNode();
        List<Map.Entry<String, String>> events = new ArrayList<>();
        ObjectNode startMessage = JSON.createObjectNode();
        startMessage.put("role", "assistant");
        startMessage.putArray("content");
        startMessage.put("tool_plan", "");
        startMessage.putArray("tool_calls");
        startMessage.putArray("citations");
        ObjectNode start = event("message-start");
        start.put("id", id);
        start.putObject("delta").set("message", startMessage);
        events.add(Map.entry("message-start", start.toString()));

        long outputTokens = 0;
        int index = 0;
        if ("enabled".equals(request.path("thinking").path("type").asText())) {
            String thought = "The user wrote \"" + lastUserText + "\". I will answer briefly.";
            content.addObject().put("type", "thinking").put("thinking", thought);
            outputTokens += words(thought);
            contentEvents(events, index++, "thinking", thought);
        }

        String finish;
        JsonNode tools = request.get("tools");
        boolean wantsTool = tools != null && tools.isArray() && !tools.isEmpty()
                && ("REQUIRED".equals(request.path("tool_choice").asText())
                || lastUserText.toLowerCase(Locale.ROOT).contains("use the tool"));
        if (wantsTool) {
            JsonNode function = tools.get(0).path("function");
            String name = function.path("name").asText();
            String plan = "I will use " + name + " to answer.";
            String callId = name + "_" + id.substring(0, 8);
            String arguments = argumentsFor(function.path("parameters")).toString();
            message.put("tool_plan", plan);
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.put("id", callId);
            call.put("type", "function");
            call.putObject("function").put("name", name).put("arguments", arguments);
            outputTokens += words(plan) + words(arguments);
            for (String piece : pieces(plan, TEXT_PIECE_CHARS)) {
                ObjectNode delta = event("tool-plan-delta");
                delta.putObject("delta").putObject("message").put("tool_plan", piece);
                events.add(Map.entry("tool-plan-delta", delta.toString()));
            }
            ObjectNode callStart = event("tool-call-start");
            callStart.put("index", 0);
            ObjectNode startCall = callStart.putObject("delta").putObject("message").putObject("tool_calls");
            startCall.put("id", callId);
            startCall.put("type", "function");
            startCall.putObject("function").put("name", name).put("arguments", "");
            events.add(Map.entry("tool-call-start", callStart.toString()));
            for (String piece : pieces(arguments, ARGUMENT_PIECE_CHARS)) {
                ObjectNode delta = event("tool-call-delta");
                delta.put("index", 0);
                delta.putObject("delta").putObject("message").putObject("tool_calls").putObject("function")
                        .put("arguments", piece);
                events.add(Map.entry("tool-call-delta", delta.toString()));
            }
            ObjectNode callEnd = event("tool-call-end");
            callEnd.put("index", 0);
            events.add(Map.entry("tool-call-end", callEnd.toString()));
            finish = "TOOL_CALL";
        } else {
            String text;
            finish = "COMPLETE";
            if ("json_object".equals(request.path("response_format").path("type").asText())) {
                ObjectNode answer = JSON.createObjectNode();
                answer.put("answer", lastUserText);
                text = answer.toString();
            } else {
                text = "Hello! You said: " + lastUserText;
                for (JsonNode stop : request.path("stop_sequences")) {
                    int at = text.indexOf(stop.asText());
                    if (at >= 0) {
                        text = text.substring(0, at);
                        finish = "STOP_SEQUENCE";
                    }
                }
                long max = request.path("max_tokens").asLong(Long.MAX_VALUE);
                String[] words = text.split(" ");
                if (words.length > max) {
                    text = String.join(" ", java.util.Arrays.copyOf(words, (int) max));
                    finish = "MAX_TOKENS";
                }
            }
            content.addObject().put("type", "text").put("text", text);
            outputTokens += words(text);
            contentEvents(events, index, "text", text);
        }
        message.set("content", content);
        ObjectNode usage = usage(inputWords, outputTokens);

        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        body.set("message", message);
        body.put("finish_reason", finish);
        body.set("usage", usage);

        ObjectNode end = event("message-end");
        ObjectNode endDelta = end.putObject("delta");
        endDelta.put("finish_reason", finish);
        endDelta.set("usage", usage.deepCopy());
        events.add(Map.entry("message-end", end.toString()));
        return new CohereUpstreamAnswer(body, events);
    }

    /** A {@code message-end} event that reports a failure, as Cohere ends a stream that broke. */
    static Map.Entry<String, String> errorEnd(String message) {
        ObjectNode end = event("message-end");
        ObjectNode delta = end.putObject("delta");
        delta.put("error", message);
        delta.put("finish_reason", "ERROR");
        return Map.entry("message-end", end.toString());
    }

    static ObjectNode embed(JsonNode request) {
        int dimension = request.path("output_dimension").asInt(DEFAULT_DIMENSION);
        ObjectNode body = JSON.createObjectNode();
        body.put("id", UUID.nameUUIDFromBytes(request.toString().getBytes(StandardCharsets.UTF_8)).toString());
        ArrayNode floats = body.putObject("embeddings").putArray("float");
        ArrayNode texts = body.putArray("texts");
        long words = 0;
        for (JsonNode text : request.path("texts")) {
            byte[] bytes = text.asText().getBytes(StandardCharsets.UTF_8);
            ArrayNode vector = floats.addArray();
            for (int i = 0; i < dimension; i++) {
                int b = bytes.length == 0 ? 0 : bytes[i % bytes.length];
                vector.add((b % 100) / 100.0 - 0.25 * (i % 3));
            }
            texts.add(text.asText());
            words += words(text.asText());
        }
        ObjectNode meta = body.putObject("meta");
        meta.putObject("api_version").put("version", "2");
        meta.putObject("billed_units").put("input_tokens", words);
        body.put("response_type", "embeddings_by_type");
        return body;
    }

    private static void contentEvents(List<Map.Entry<String, String>> events, int index, String type, String text) {
        ObjectNode start = event("content-start");
        start.put("index", index);
        start.putObject("delta").putObject("message").putObject("content").put("type", type).put(type, "");
        events.add(Map.entry("content-start", start.toString()));
        for (String piece : pieces(text, TEXT_PIECE_CHARS)) {
            ObjectNode delta = event("content-delta");
            delta.put("index", index);
            delta.putObject("delta").putObject("message").putObject("content").put(type, piece);
            delta.putNull("logprobs");
            events.add(Map.entry("content-delta", delta.toString()));
        }
        ObjectNode end = event("content-end");
        end.put("index", index);
        events.add(Map.entry("content-end", end.toString()));
    }

    private static ObjectNode usage(long input, long output) {
        ObjectNode usage = JSON.createObjectNode();
        usage.putObject("billed_units").put("input_tokens", input).put("output_tokens", output);
        usage.putObject("tokens").put("input_tokens", input + TEMPLATE_TOKENS).put("output_tokens", output);
        return usage;
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private static ObjectNode argumentsFor(JsonNode schema) {
        ObjectNode arguments = JSON.createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
        while (properties.hasNext()) {
            Map.Entry<String, JsonNode> property = properties.next();
            switch (property.getValue().path("type").asText("string")) {
                case "number", "integer" -> arguments.put(property.getKey(), 1);
                case "boolean" -> arguments.put(property.getKey(), true);
                default -> arguments.put(property.getKey(), "mock");
            }
        }
        return arguments;
    }

    private static String lastUserText(JsonNode messages) {
        String last = "";
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asText())) {
                last = text(message.path("content"));
            }
        }
        return last;
    }

    private static long inputWords(JsonNode messages) {
        long words = 0;
        for (JsonNode message : messages) {
            words += words(text(message.path("content")));
        }
        return words;
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode item : content) {
            if ("text".equals(item.path("type").asText())) {
                text.append(text.isEmpty() ? "" : " ").append(item.path("text").asText());
            }
        }
        return text.toString();
    }

    static long words(String text) {
        String trimmed = text.trim();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    private static List<String> pieces(String text, int size) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return pieces;
    }
}
