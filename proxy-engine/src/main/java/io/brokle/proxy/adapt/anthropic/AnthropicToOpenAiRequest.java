package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An Anthropic Messages request, as clients send it to the gateway's {@code POST /v1/messages},
 * as an OpenAI Chat Completions request for an OpenAI-format provider.
 * <ul>
 *   <li>{@code system} (string or text blocks) becomes the first message, role {@code system}:
 *       a string, or text parts when there were several blocks.</li>
 *   <li>Content: {@code text} to a text part; {@code image} to an {@code image_url} part (a
 *       {@code base64} source as a {@code data:} URL, a {@code url} source as is); a base64
 *       PDF {@code document} to a {@code file} part with {@code file_data} (its {@code title}
 *       as the filename), a plain-text {@code document} to a text part. A string stays a
 *       string.</li>
 *   <li>A user turn's {@code tool_result} blocks become {@code tool} messages, in order, before
 *       the rest of the turn; their content is text only (an image in a tool result is refused,
 *       OpenAI tool messages take text), and {@code is_error} is dropped.</li>
 *   <li>An assistant turn's text becomes {@code content} (a string for one block, text parts for
 *       several, null for none) and its {@code tool_use} blocks {@code tool_calls}, the
 *       {@code input} written as the {@code arguments} string. {@code thinking} and
 *       {@code redacted_thinking} blocks cannot be sent to an OpenAI-format provider and are
 *       dropped.</li>
 *   <li>{@code max_tokens} to {@code max_tokens}, or to {@code max_completion_tokens} when
 *       thinking is on (reasoning models take only that one).</li>
 *   <li>{@code thinking} enabled to {@code reasoning_effort}: a budget under 4096 is
 *       {@code low}, under 16384 {@code medium}, else {@code high} (the inverse of
 *       {@link OpenAiToAnthropicRequest#EFFORT_BUDGETS}).</li>
 *   <li>{@code tools} to function tools ({@code input_schema} to {@code parameters}); server
 *       tools (a {@code type} other than {@code custom}) are refused. {@code tool_choice}:
 *       {@code auto}, {@code any} to {@code required}, {@code tool} to a named function,
 *       {@code none}; {@code disable_parallel_tool_use} to {@code parallel_tool_calls: false}.</li>
 *   <li>{@code stop_sequences} to {@code stop}; {@code temperature}, {@code top_p} copied;
 *       {@code metadata.user_id} to {@code user}; {@code stream} copied, with
 *       {@code stream_options.include_usage} so that the answer can report usage.</li>
 *   <li>Dropped and listed: {@code cache_control} markers (OpenAI caches by itself),
 *       {@code top_k}, {@code is_error}, thinking blocks, and unknown fields such as
 *       {@code service_tier}, {@code container} or {@code mcp_servers}.</li>
 * </ul>
 * Stateless.
 */
public final class AnthropicToOpenAiRequest {
    private static final Set<String> HANDLED = Set.of("model", "max_tokens", "system", "messages", "tools",
            "tool_choice", "stop_sequences", "temperature", "top_p", "top_k", "metadata", "stream", "thinking");

    private AnthropicToOpenAiRequest() {
    }

    /**
     * @param request an Anthropic Messages request body; not modified
     * @throws TranslationException (400) for a request an OpenAI-format provider cannot serve
     */
    public static TranslatedRequest translate(JsonNode request) throws TranslationException {
        if (request == null || !request.isObject()) {
            throw new TranslationException("the request body must be a JSON object", null);
        }
        Set<String> dropped = new LinkedHashSet<>();
        request.fieldNames().forEachRemaining(field -> {
            if (!HANDLED.contains(field) && !request.get(field).isNull()) {
                dropped.add(field);
            }
        });
        if (!request.path("model").isTextual()) {
            throw new TranslationException("model: Field required", "model");
        }
        JsonNode maxTokens = request.get("max_tokens");
        if (maxTokens == null || !maxTokens.isIntegralNumber() || maxTokens.longValue() < 1) {
            throw new TranslationException("max_tokens: Field required (a positive integer)", "max_tokens");
        }
        JsonNode messages = request.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new TranslationException("messages: Field required", "messages");
        }
        ObjectNode thinking = request.path("thinking").isObject() ? (ObjectNode) request.get("thinking") : null;
        boolean thinkingOn = thinking != null && "enabled".equals(Json.string(thinking, "type"));

        ObjectNode out = Json.object();
        out.set("model", request.get("model"));
        ArrayNode openAiMessages = out.putArray("messages");
        JsonNode system = request.get("system");
        if (system != null && !system.isNull()) {
            ObjectNode message = openAiMessages.addObject();
            message.put("role", "system");
            message.set("content", systemContent(system, dropped));
        }
        for (int i = 0; i < messages.size(); i++) {
            message(messages.get(i), "messages[" + i + "]", openAiMessages, dropped);
        }
        out.put(thinkingOn ? "max_completion_tokens" : "max_tokens", maxTokens.longValue());
        copyNumber(request, "temperature", out);
        copyNumber(request, "top_p", out);
        if (Json.present(request, "top_k")) {
            dropped.add("top_k");
        }
        JsonNode stop = request.get("stop_sequences");
        if (stop != null && stop.isArray() && !stop.isEmpty()) {
            out.set("stop", stop.deepCopy());
        }
        String user = Json.string(request.path("metadata"), "user_id");
        if (user != null) {
            out.put("user", user);
        }
        JsonNode tools = request.get("tools");
        if (tools != null && tools.isArray() && !tools.isEmpty()) {
            out.set("tools", tools(tools, dropped));
        }
        toolChoice(request.get("tool_choice"), out);
        if (thinkingOn) {
            long budget = Json.count(thinking, "budget_tokens");
            out.put("reasoning_effort", budget < 4096 ? "low" : budget < 16384 ? "medium" : "high");
        }
        if (request.path("stream").asBoolean(false)) {
            out.put("stream", true);
            out.putObject("stream_options").put("include_usage", true);
        }
        return new TranslatedRequest(out, new ArrayList<>(dropped), ReplyOptions.PLAIN);
    }

    private static JsonNode systemContent(JsonNode system, Set<String> dropped) throws TranslationException {
        if (system.isTextual()) {
            return system;
        }
        if (!system.isArray()) {
            throw new TranslationException("system must be a string or an array of text blocks", "system");
        }
        ArrayNode parts = Json.array();
        for (int i = 0; i < system.size(); i++) {
            JsonNode block = system.get(i);
            if (!"text".equals(Json.string(block, "type"))) {
                throw new TranslationException("system takes only text blocks", "system[" + i + "]");
            }
            noteCacheControl(block, dropped);
            parts.add(textPart(block.path("text").asText("")));
        }
        return parts.size() == 1 ? parts.get(0).get("text") : parts;
    }

    private static void message(JsonNode message, String path, ArrayNode out, Set<String> dropped)
            throws TranslationException {
        String role = Json.string(message, "role");
        JsonNode content = message.get("content");
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw new TranslationException(path + ".role: must be user or assistant", path + ".role");
        }
        if (content == null || !(content.isTextual() || content.isArray())) {
            throw new TranslationException(path + ".content: must be a string or an array of blocks",
                    path + ".content");
        }
        if (content.isTextual()) {
            ObjectNode plain = out.addObject();
            plain.put("role", role);
            plain.set("content", content);
            return;
        }
        if ("assistant".equals(role)) {
            assistant(content, path, out, dropped);
        } else {
            user(content, path, out, dropped);
        }
    }

    private static void user(JsonNode blocks, String path, ArrayNode out, Set<String> dropped)
            throws TranslationException {
        ArrayNode parts = Json.array();
        for (int j = 0; j < blocks.size(); j++) {
            JsonNode block = blocks.get(j);
            String blockPath = path + ".content[" + j + "]";
            noteCacheControl(block, dropped);
            if ("tool_result".equals(Json.string(block, "type"))) {
                flushUser(parts, out);
                parts = Json.array();
                out.add(toolMessage(block, blockPath, dropped));
            } else {
                parts.add(part(block, blockPath));
            }
        }
        flushUser(parts, out);
    }

    private static void flushUser(ArrayNode parts, ArrayNode out) {
        if (parts.isEmpty()) {
            return;
        }
        ObjectNode message = out.addObject();
        message.put("role", "user");
        message.set("content", parts);
    }

    private static ObjectNode toolMessage(JsonNode block, String path, Set<String> dropped)
            throws TranslationException {
        ObjectNode message = Json.object();
        message.put("role", "tool");
        String id = Json.string(block, "tool_use_id");
        if (id == null) {
            throw new TranslationException(path + ".tool_use_id: Field required", path + ".tool_use_id");
        }
        message.put("tool_call_id", id);
        if (block.path("is_error").asBoolean(false)) {
            dropped.add("is_error");
        }
        JsonNode content = block.get("content");
        if (content == null || content.isNull()) {
            message.put("content", "");
        } else if (content.isTextual()) {
            message.set("content", content);
        } else if (content.isArray()) {
            ArrayNode parts = message.putArray("content");
            for (int k = 0; k < content.size(); k++) {
                JsonNode inner = content.get(k);
                noteCacheControl(inner, dropped);
                if (!"text".equals(Json.string(inner, "type"))) {
                    throw new TranslationException("tool results can hold only text for OpenAI-format models",
                            path + ".content[" + k + "]");
                }
                parts.add(textPart(inner.path("text").asText("")));
            }
        } else {
            throw new TranslationException(path + ".content: must be a string or an array of blocks",
                    path + ".content");
        }
        return message;
    }

    private static void assistant(JsonNode blocks, String path, ArrayNode out, Set<String> dropped)
            throws TranslationException {
        ArrayNode texts = Json.array();
        ArrayNode toolCalls = Json.array();
        for (int j = 0; j < blocks.size(); j++) {
            JsonNode block = blocks.get(j);
            String blockPath = path + ".content[" + j + "]";
            noteCacheControl(block, dropped);
            String type = Json.string(block, "type");
            switch (type == null ? "" : type) {
                case "text" -> texts.add(textPart(block.path("text").asText("")));
                case "tool_use" -> {
                    String id = Json.string(block, "id");
                    String name = Json.string(block, "name");
                    if (id == null || name == null) {
                        throw new TranslationException(blockPath + ": tool_use needs id and name", blockPath);
                    }
                    JsonNode input = block.path("input").isObject() ? block.get("input") : Json.object();
                    toolCalls.add(AnthropicToOpenAiResponse.toolCall(id, name, Json.write(input)));
                }
                case "thinking", "redacted_thinking" -> dropped.add("thinking");
                default -> throw new TranslationException("assistant content block type "
                        + (type == null ? "(none)" : "\"" + type + "\"")
                        + " cannot be sent to an OpenAI-format model", blockPath + ".type");
            }
        }
        ObjectNode message = out.addObject();
        message.put("role", "assistant");
        if (texts.isEmpty()) {
            message.putNull("content");
        } else if (texts.size() == 1) {
            message.set("content", texts.get(0).get("text"));
        } else {
            message.set("content", texts);
        }
        if (!toolCalls.isEmpty()) {
            message.set("tool_calls", toolCalls);
        }
    }

    private static ObjectNode part(JsonNode block, String path) throws TranslationException {
        String type = Json.string(block, "type");
        JsonNode source = block.path("source");
        String sourceType = Json.string(source, "type");
        switch (type == null ? "" : type) {
            case "text" -> {
                return textPart(block.path("text").asText(""));
            }
            case "image" -> {
                String url;
                if ("base64".equals(sourceType)) {
                    url = DataUrl.of(source.path("media_type").asText(""), source.path("data").asText(""));
                } else if ("url".equals(sourceType)) {
                    url = source.path("url").asText("");
                } else {
                    throw new TranslationException("image source type "
                            + (sourceType == null ? "(none)" : "\"" + sourceType + "\"")
                            + " cannot be sent to an OpenAI-format model (expected: base64 or url)",
                            path + ".source.type");
                }
                ObjectNode part = Json.object();
                part.put("type", "image_url");
                part.putObject("image_url").put("url", url);
                return part;
            }
            case "document" -> {
                if ("base64".equals(sourceType) && "application/pdf".equals(Json.string(source, "media_type"))) {
                    ObjectNode part = Json.object();
                    part.put("type", "file");
                    ObjectNode file = part.putObject("file");
                    String title = Json.string(block, "title");
                    file.put("filename", title != null ? title : "document.pdf");
                    file.put("file_data", DataUrl.of("application/pdf", source.path("data").asText("")));
                    return part;
                }
                if ("text".equals(sourceType)) {
                    return textPart(source.path("data").asText(""));
                }
                throw new TranslationException("only base64 PDF and text documents can be sent to an OpenAI-format "
                        + "model", path + ".source");
            }
            default -> throw new TranslationException("content block type "
                    + (type == null ? "(none)" : "\"" + type + "\"") + " cannot be sent to an OpenAI-format model",
                    path + ".type");
        }
    }

    private static ArrayNode tools(JsonNode tools, Set<String> dropped) throws TranslationException {
        ArrayNode out = Json.array();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            String type = Json.string(tool, "type");
            if (type != null && !"custom".equals(type)) {
                throw new TranslationException("server tool \"" + type + "\" cannot be used with an OpenAI-format "
                        + "model", "tools[" + i + "].type");
            }
            String name = Json.string(tool, "name");
            if (name == null) {
                throw new TranslationException("tools[" + i + "].name: Field required", "tools[" + i + "].name");
            }
            noteCacheControl(tool, dropped);
            ObjectNode function = out.addObject().put("type", "function").putObject("function");
            function.put("name", name);
            if (Json.present(tool, "description")) {
                function.set("description", tool.get("description"));
            }
            function.set("parameters", tool.path("input_schema").isObject() ? tool.get("input_schema").deepCopy()
                    : Json.object().put("type", "object"));
        }
        return out;
    }

    private static void toolChoice(JsonNode choice, ObjectNode out) throws TranslationException {
        if (choice == null || !choice.isObject()) {
            return;
        }
        String type = Json.string(choice, "type");
        switch (type == null ? "" : type) {
            case "auto" -> out.put("tool_choice", "auto");
            case "any" -> out.put("tool_choice", "required");
            case "none" -> out.put("tool_choice", "none");
            case "tool" -> {
                ObjectNode named = out.putObject("tool_choice");
                named.put("type", "function");
                named.putObject("function").put("name", choice.path("name").asText(""));
            }
            default -> throw new TranslationException("tool_choice.type must be auto, any, tool or none",
                    "tool_choice.type");
        }
        if (choice.path("disable_parallel_tool_use").asBoolean(false) && !"none".equals(type)) {
            out.put("parallel_tool_calls", false);
        }
    }

    private static void copyNumber(JsonNode request, String field, ObjectNode out) {
        JsonNode value = request.get(field);
        if (value != null && value.isNumber()) {
            out.set(field, value);
        }
    }

    private static void noteCacheControl(JsonNode block, Set<String> dropped) {
        if (Json.present(block, "cache_control")) {
            dropped.add("cache_control");
        }
    }

    private static ObjectNode textPart(String text) {
        ObjectNode part = Json.object();
        part.put("type", "text");
        part.put("text", text);
        return part;
    }
}
