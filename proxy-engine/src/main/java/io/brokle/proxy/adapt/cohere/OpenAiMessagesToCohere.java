package io.brokle.proxy.adapt.cohere;

import static io.brokle.proxy.adapt.OpenAiParameters.requireString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiMessages;
import io.brokle.proxy.adapt.TranslationException;
import java.util.Locale;
import java.util.Set;

/**
 * OpenAI's {@code messages} as Cohere v2's {@code messages}; part of {@link OpenAiToCohereChat}.
 * Cohere v2 has the same four roles, so the order and the roles are kept.
 * <ul>
 *   <li>{@code system} and {@code developer}: role {@code system}; string content stays a
 *       string, text parts become {@code {type: text, text}} items (other parts: 400).</li>
 *   <li>{@code user}: string content stays a string; {@code text} parts become text items and
 *       {@code image_url} parts {@code {type: image_url, image_url: {url, detail}}} items, Cohere's
 *       own shape for its vision models (an http(s) URL or a base64 {@code data:image/...} URL;
 *       nothing is fetched, any other URL is a 400). {@code input_audio} and {@code file} parts
 *       are refused (400): Cohere's chat takes neither.</li>
 *   <li>{@code assistant}: its text as content (string or text items; a {@code refusal} part
 *       counts as text), its {@code tool_calls} as they are (id, type, function name and
 *       arguments are Cohere's shape too), and its {@code tool_plan} (the extension
 *       {@link CohereToOpenAiChat} answers with), else its {@code reasoning_content} when it made
 *       tool calls, as {@code tool_plan}. {@code reasoning_content} of a message without tool
 *       calls cannot go back (Cohere takes no thinking from the client) and is dropped.</li>
 *   <li>{@code tool}: role {@code tool} with {@code tool_call_id} and its content (a string, or
 *       text parts as text items).</li>
 *   <li>A message's {@code name} and the {@code cache_control} markers of messages and parts
 *       (Cohere has no prompt-cache markers) are dropped; {@code function} (legacy) and unknown
 *       roles are refused.</li>
 * </ul>
 */
final class OpenAiMessagesToCohere {
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private final Set<String> dropped;

    /** @param dropped where to record the parameters that are dropped */
    OpenAiMessagesToCohere(Set<String> dropped) {
        this.dropped = dropped;
    }

    ArrayNode translate(JsonNode openAiMessages) throws TranslationException {
        OpenAiMessages.requireNonEmpty(openAiMessages);
        ArrayNode out = Json.array();
        for (int i = 0; i < openAiMessages.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode message = OpenAiMessages.message(openAiMessages, i, path, dropped);
            noteCacheControl(message);
            String role = Json.string(message, "role");
            switch (role == null ? "" : role) {
                case "system", "developer" -> out.add(system(message, path));
                case "user" -> out.add(user(message, path));
                case "assistant" -> out.add(assistant(message, path));
                case "tool" -> out.add(tool(message, path));
                default -> throw OpenAiMessages.unsupportedRole(role, path);
            }
        }
        return out;
    }

    /** Cohere has no prompt-cache markers: a message's or a part's {@code cache_control} is dropped. */
    private void noteCacheControl(JsonNode message) {
        boolean marked = Json.present(message, "cache_control");
        for (JsonNode part : message.path("content")) {
            marked |= part.isObject() && Json.present(part, "cache_control");
        }
        if (marked) {
            dropped.add("cache_control");
        }
    }

    private static ObjectNode system(JsonNode message, String path) throws TranslationException {
        ObjectNode out = Json.object();
        out.put("role", "system");
        out.set("content", textContent(message.get("content"), path + ".content", "system and developer messages"));
        return out;
    }

    private static ObjectNode user(JsonNode message, String path) throws TranslationException {
        ObjectNode out = Json.object();
        out.put("role", "user");
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            out.set("content", content);
            return out;
        }
        if (content == null || !content.isArray()) {
            throw new TranslationException("content must be a string or an array of content parts", path + ".content");
        }
        ArrayNode items = out.putArray("content");
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partPath = path + ".content[" + j + "]";
            String type = Json.string(part, "type");
            switch (type == null ? "" : type) {
                case "text" -> items.add(textItem(requireString(part, "text", partPath)));
                case "image_url" -> items.add(image(part, partPath));
                case "input_audio" -> throw new TranslationException("audio input is not supported by Cohere models",
                        partPath + ".type");
                case "file" -> throw new TranslationException("file parts are not supported by Cohere chat",
                        partPath + ".type");
                default -> throw new TranslationException("unknown content part type "
                        + (type == null ? "(none)" : "\"" + type + "\"") + " (expected: text, image_url)",
                        partPath + ".type");
            }
        }
        return out;
    }

    private static ObjectNode image(JsonNode part, String path) throws TranslationException {
        JsonNode imageUrl = part.get("image_url");
        String url = imageUrl != null && imageUrl.isTextual() ? imageUrl.textValue()
                : imageUrl != null ? Json.string(imageUrl, "url") : null;
        if (url == null) {
            throw new TranslationException("image_url.url must be a string", path + ".image_url.url");
        }
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) {
            int semicolon = lower.indexOf(';');
            String mediaType = semicolon < 0 ? "" : lower.substring(5, semicolon).trim();
            if (!IMAGE_TYPES.contains(mediaType) || !lower.contains(";base64,")) {
                throw new TranslationException("a data URL image must be base64 JPEG, PNG, GIF or WebP",
                        path + ".image_url.url");
            }
        } else if (!lower.startsWith("https://") && !lower.startsWith("http://")) {
            throw new TranslationException("image_url.url must be an http(s) URL or a base64 data URL",
                    path + ".image_url.url");
        }
        ObjectNode out = Json.object();
        out.put("type", "image_url");
        ObjectNode image = out.putObject("image_url");
        image.put("url", url);
        String detail = imageUrl.isObject() ? Json.string(imageUrl, "detail") : null;
        if (detail != null) {
            image.put("detail", detail);
        }
        return out;
    }

    private ObjectNode assistant(JsonNode message, String path) throws TranslationException {
        ObjectNode out = Json.object();
        out.put("role", "assistant");
        JsonNode content = message.get("content");
        if (content != null && !content.isNull()) {
            if (content.isArray()) {
                ArrayNode items = Json.array();
                for (int j = 0; j < content.size(); j++) {
                    JsonNode part = content.get(j);
                    String partPath = path + ".content[" + j + "]";
                    String type = Json.string(part, "type");
                    if ("text".equals(type)) {
                        items.add(textItem(requireString(part, "text", partPath)));
                    } else if ("refusal".equals(type)) {
                        items.add(textItem(requireString(part, "refusal", partPath)));
                    } else {
                        throw new TranslationException("assistant messages take only text and refusal parts",
                                partPath + ".type");
                    }
                }
                if (!items.isEmpty()) {
                    out.set("content", items);
                }
            } else if (content.isTextual()) {
                if (!content.textValue().isEmpty()) {
                    out.set("content", content);
                }
            } else {
                throw new TranslationException("content must be a string or an array of text parts",
                        path + ".content");
            }
        }
        JsonNode toolCalls = message.get("tool_calls");
        boolean hasToolCalls = toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty();
        if (hasToolCalls) {
            ArrayNode calls = out.putArray("tool_calls");
            for (int j = 0; j < toolCalls.size(); j++) {
                JsonNode call = toolCalls.get(j);
                String callPath = path + ".tool_calls[" + j + "]";
                ObjectNode outCall = calls.addObject();
                outCall.put("id", requireString(call, "id", callPath));
                outCall.put("type", "function");
                ObjectNode function = outCall.putObject("function");
                function.put("name", requireString(call.path("function"), "name", callPath + ".function"));
                String arguments = Json.string(call.path("function"), "arguments");
                function.put("arguments", arguments == null || arguments.isBlank() ? "{}" : arguments);
            }
        } else if (toolCalls != null && !toolCalls.isNull() && !toolCalls.isArray()) {
            throw new TranslationException("tool_calls must be an array", path + ".tool_calls");
        }
        String toolPlan = Json.string(message, "tool_plan");
        String reasoning = Json.string(message, "reasoning_content");
        if (toolPlan == null && hasToolCalls) {
            toolPlan = reasoning;
        } else if (reasoning != null && !reasoning.isEmpty()) {
            dropped.add("messages[].reasoning_content");
        }
        if (toolPlan != null && !toolPlan.isEmpty()) {
            if (hasToolCalls) {
                out.put("tool_plan", toolPlan);
            } else {
                dropped.add("messages[].tool_plan");
            }
        }
        if (!out.has("content") && !out.has("tool_calls")) {
            out.put("content", "");
        }
        return out;
    }

    private static ObjectNode tool(JsonNode message, String path) throws TranslationException {
        ObjectNode out = Json.object();
        out.put("role", "tool");
        out.put("tool_call_id", requireString(message, "tool_call_id", path));
        out.set("content", textContent(message.get("content"), path + ".content", "tool messages"));
        return out;
    }

    /** A string as is, or text parts as Cohere text items. */
    private static JsonNode textContent(JsonNode content, String path, String what) throws TranslationException {
        if (content != null && content.isTextual()) {
            return content;
        }
        if (content == null || !content.isArray()) {
            throw new TranslationException("content must be a string or an array of text parts", path);
        }
        ArrayNode items = Json.array();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partPath = path + "[" + j + "]";
            if (!"text".equals(Json.string(part, "type"))) {
                throw new TranslationException(what + " take only text parts", partPath + ".type");
            }
            items.add(textItem(requireString(part, "text", partPath)));
        }
        return items;
    }

    private static ObjectNode textItem(String text) {
        ObjectNode item = Json.object();
        item.put("type", "text");
        item.put("text", text);
        return item;
    }
}
