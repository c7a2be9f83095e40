package io.brokle.proxy.adapt.gemini;

import static io.brokle.proxy.adapt.OpenAiParameters.requireString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiMessages;
import io.brokle.proxy.adapt.TranslationException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI's {@code messages} as Gemini's {@code systemInstruction} and {@code contents}; part of
 * {@link OpenAiToGeminiRequest}.
 * <ul>
 *   <li>{@code system} and {@code developer} messages, wherever they are, become the text parts
 *       of {@code systemInstruction}, in order.</li>
 *   <li>{@code user} becomes role {@code user}, {@code assistant} role {@code model}. String
 *       content is one {@code text} part; content parts: {@code text} (and an assistant's
 *       {@code refusal}) to {@code text}; {@code image_url} with a base64 {@code data:} URL, a
 *       {@code file} with base64 {@code file_data}, and {@code input_audio} (wav, mp3) to
 *       {@code inlineData} with their media type; an {@code image_url} that is a Gemini File API
 *       URI ({@code https://generativelanguage.googleapis.com/.../files/...}) to
 *       {@code fileData}. Any other http(s) image URL is refused (400 naming the field): Gemini
 *       takes no web URLs there and the gateway fetches nothing. {@code file_id} files are
 *       refused too. An image's {@code detail} other than {@code auto} is dropped.</li>
 *   <li>An assistant's {@code tool_calls} become {@code functionCall} parts after its text, with
 *       {@code arguments} parsed into {@code args} (empty arguments are {@code {}}). The
 *       {@code extra_content.google.thought_signature} that {@link GeminiToOpenAiResponse} puts on
 *       tool calls goes back as the part's {@code thoughtSignature} (Gemini 3 requires it). An id
 *       Gemini gave goes back as the call's {@code id}; one the gateway made up does not.
 *       {@code reasoning_content} cannot go back (Gemini takes no thought text) and is dropped.</li>
 *   <li>{@code tool} messages become {@code functionResponse} parts of a user turn, named after
 *       the earlier tool call with the same {@code tool_call_id} (a 400 when there is none). Their
 *       content (text, or text parts joined) is the {@code response} when it is a JSON object,
 *       else {@code {"output": content}} as Gemini's documentation suggests.</li>
 *   <li>Consecutive messages of the same Gemini role are merged into one turn, so the results of
 *       parallel tool calls answer their calls together.</li>
 *   <li>A message's {@code name} has no Gemini field and is dropped; so are {@code cache_control}
 *       markers (Gemini caches repeated prompt prefixes by itself and reports them as cached
 *       tokens; its explicit caches are resources the gateway does not manage).</li>
 * </ul>
 */
final class OpenAiMessagesToGemini {
    /** Where the Gemini API's File API serves uploaded files from; such URIs are what {@code fileData} takes. */
    static final String FILE_API_PREFIX = "https://generativelanguage.googleapis.com/";
    private static final Pattern DATA_URL =
            Pattern.compile("data:([^;,]*)((?:;[^;,]*)*),(.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Map<String, String> AUDIO_TYPES = Map.of("wav", "audio/wav", "mp3", "audio/mp3");

    private final Set<String> dropped;
    private final ArrayNode systemParts = Json.array();
    private final ArrayNode contents = Json.array();
    private final Map<String, String> toolNames = new HashMap<>();

    /** @param dropped where to record the parameters that are dropped */
    OpenAiMessagesToGemini(Set<String> dropped) {
        this.dropped = dropped;
    }

    /** Gemini's {@code systemInstruction}, or null when there was no system message. */
    ObjectNode systemInstruction() {
        if (systemParts.isEmpty()) {
            return null;
        }
        ObjectNode instruction = Json.object();
        instruction.set("parts", systemParts);
        return instruction;
    }

    ArrayNode contents() {
        return contents;
    }

    void translate(JsonNode messages) throws TranslationException {
        OpenAiMessages.requireNonEmpty(messages);
        for (int i = 0; i < messages.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode message = OpenAiMessages.message(messages, i, path, dropped);
            noteCacheControl(message);
            String role = Json.string(message, "role");
            switch (role == null ? "" : role) {
                case "system", "developer" -> system(message, path);
                case "user" -> append("user", userParts(message, path));
                case "assistant" -> append("model", assistantParts(message, path));
                case "tool" -> append("user", toolResult(message, path));
                default -> throw OpenAiMessages.unsupportedRole(role, path);
            }
        }
        if (contents.isEmpty()) {
            throw new TranslationException("messages must contain at least one user or assistant message "
                    + "(Gemini needs contents besides the system instruction)", "messages");
        }
    }

    private void system(JsonNode message, String path) throws TranslationException {
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            systemParts.addObject().put("text", content.textValue());
            return;
        }
        if (content == null || !content.isArray()) {
            throw new TranslationException("content must be a string or an array of text parts", path + ".content");
        }
        for (int j = 0; j < content.size(); j++) {
            String partPath = path + ".content[" + j + "]";
            JsonNode part = content.get(j);
            if (!"text".equals(Json.string(part, "type"))) {
                throw new TranslationException("system and developer messages take only text parts", partPath);
            }
            systemParts.addObject().put("text", requireString(part, "text", partPath));
        }
    }

    private ArrayNode userParts(JsonNode message, String path) throws TranslationException {
        JsonNode content = message.get("content");
        ArrayNode parts = Json.array();
        if (content != null && content.isTextual()) {
            parts.addObject().put("text", content.textValue());
        } else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                parts.add(part(content.get(j), path + ".content[" + j + "]"));
            }
        } else {
            throw new TranslationException("content must be a string or an array of content parts", path + ".content");
        }
        return parts;
    }

    /**
     * Gemini caches prompt prefixes by itself (implicit caching, reported as cached tokens);
     * explicit caches are resources the gateway does not manage, so markers are dropped.
     */
    private void noteCacheControl(JsonNode node) {
        if (Json.present(node, "cache_control")) {
            dropped.add("cache_control");
        }
        JsonNode content = node.get("content");
        if (content != null && content.isArray()) {
            content.forEach(part -> {
                if (Json.present(part, "cache_control")) {
                    dropped.add("cache_control");
                }
            });
        }
    }

    private ObjectNode part(JsonNode part, String path) throws TranslationException {
        String type = Json.string(part, "type");
        ObjectNode out = Json.object();
        switch (type == null ? "" : type) {
            case "text" -> out.put("text", requireString(part, "text", path));
            case "image_url" -> {
                JsonNode image = part.path("image_url");
                String url = requireString(image, "url", path + ".image_url");
                String detail = Json.string(image, "detail");
                if (detail != null && !"auto".equals(detail)) {
                    dropped.add("messages[].content[].image_url.detail");
                }
                String urlPath = path + ".image_url.url";
                if (url.regionMatches(true, 0, "data:", 0, 5)) {
                    inlineData(out, url, urlPath);
                } else if (url.startsWith(FILE_API_PREFIX) && url.contains("/files/")) {
                    out.putObject("fileData").put("fileUri", url);
                } else {
                    throw new TranslationException("Gemini models take images as base64 data: URLs (or Gemini File "
                            + "API URIs); the gateway does not download image URLs: send the image as "
                            + "data:<media type>;base64,<data>", urlPath);
                }
            }
            case "input_audio" -> {
                JsonNode audio = part.path("input_audio");
                String data = requireString(audio, "data", path + ".input_audio");
                String format = requireString(audio, "format", path + ".input_audio");
                String mediaType = AUDIO_TYPES.get(format.toLowerCase(Locale.ROOT));
                if (mediaType == null) {
                    throw new TranslationException("input_audio.format must be wav or mp3", path + ".input_audio.format");
                }
                ObjectNode inline = out.putObject("inlineData");
                inline.put("mimeType", mediaType);
                inline.put("data", data);
            }
            case "file" -> {
                JsonNode file = part.path("file");
                if (Json.present(file, "file_id")) {
                    throw new TranslationException("file_id refers to OpenAI's file store, which Gemini cannot read: "
                            + "send the file as file_data (a base64 data: URL)", path + ".file.file_id");
                }
                inlineData(out, requireString(file, "file_data", path + ".file"), path + ".file.file_data");
            }
            default -> throw new TranslationException("unsupported content part type "
                    + (type == null ? "(none)" : "\"" + type + "\"") + " (expected: text, image_url, input_audio, file)",
                    path + ".type");
        }
        return out;
    }

    private static void inlineData(ObjectNode out, String url, String path) throws TranslationException {
        Matcher m = DATA_URL.matcher(url);
        if (!m.matches() || !m.group(2).toLowerCase(Locale.ROOT).endsWith(";base64") || m.group(1).isBlank()) {
            throw new TranslationException("expected a base64 data: URL with a media type, "
                    + "e.g. data:image/png;base64,...", path);
        }
        ObjectNode inline = out.putObject("inlineData");
        inline.put("mimeType", m.group(1).trim().toLowerCase(Locale.ROOT));
        inline.put("data", m.group(3));
    }

    private ArrayNode assistantParts(JsonNode message, String path) throws TranslationException {
        ArrayNode parts = Json.array();
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            if (!content.textValue().isEmpty()) {
                parts.addObject().put("text", content.textValue());
            }
        } else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                String partPath = path + ".content[" + j + "]";
                String type = Json.string(part, "type");
                if ("text".equals(type)) {
                    parts.addObject().put("text", requireString(part, "text", partPath));
                } else if ("refusal".equals(type)) {
                    parts.addObject().put("text", requireString(part, "refusal", partPath));
                } else {
                    throw new TranslationException("assistant messages take only text and refusal parts", partPath + ".type");
                }
            }
        } else if (content != null && !content.isNull()) {
            throw new TranslationException("content must be a string, an array of parts or null", path + ".content");
        }
        if (Json.present(message, "reasoning_content")) {
            dropped.add("messages[].reasoning_content");
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && !toolCalls.isNull()) {
            if (!toolCalls.isArray()) {
                throw new TranslationException("tool_calls must be an array", path + ".tool_calls");
            }
            for (int k = 0; k < toolCalls.size(); k++) {
                parts.add(functionCall(toolCalls.get(k), path + ".tool_calls[" + k + "]"));
            }
        }
        return parts;
    }

    private ObjectNode functionCall(JsonNode call, String path) throws TranslationException {
        String id = requireString(call, "id", path);
        JsonNode function = call.path("function");
        String name = requireString(function, "name", path + ".function");
        JsonNode arguments = function.get("arguments");
        JsonNode args;
        if (arguments == null || arguments.isNull() || (arguments.isTextual() && arguments.textValue().isBlank())) {
            args = Json.object();
        } else if (arguments.isTextual()) {
            args = Json.parseOrNull(arguments.textValue());
            if (args == null || !args.isObject()) {
                throw new TranslationException("function.arguments must be a JSON object encoded as a string",
                        path + ".function.arguments");
            }
        } else {
            throw new TranslationException("function.arguments must be a string", path + ".function.arguments");
        }
        toolNames.put(id, name);
        ObjectNode part = Json.object();
        ObjectNode functionCall = part.putObject("functionCall");
        if (!ToolCallIds.isGenerated(id)) {
            functionCall.put("id", id);
        }
        functionCall.put("name", name);
        functionCall.set("args", args);
        String signature = Json.string(call.path("extra_content").path("google"), "thought_signature");
        if (signature != null) {
            part.put("thoughtSignature", signature);
        }
        return part;
    }

    private ArrayNode toolResult(JsonNode message, String path) throws TranslationException {
        String id = requireString(message, "tool_call_id", path);
        String name = toolNames.get(id);
        if (name == null) {
            throw new TranslationException("tool_call_id \"" + id + "\" matches no tool call of an earlier assistant "
                    + "message (Gemini needs the function's name)", path + ".tool_call_id");
        }
        JsonNode content = message.get("content");
        String text;
        if (content != null && content.isTextual()) {
            text = content.textValue();
        } else if (content != null && content.isArray()) {
            StringBuilder joined = new StringBuilder();
            for (int j = 0; j < content.size(); j++) {
                JsonNode part = content.get(j);
                if (!"text".equals(Json.string(part, "type"))) {
                    throw new TranslationException("tool messages take only text parts", path + ".content[" + j + "]");
                }
                joined.append(requireString(part, "text", path + ".content[" + j + "]"));
            }
            text = joined.toString();
        } else {
            throw new TranslationException("content must be a string or an array of text parts", path + ".content");
        }
        JsonNode parsed = Json.parseOrNull(text);
        ObjectNode response;
        if (parsed != null && parsed.isObject()) {
            response = (ObjectNode) parsed;
        } else {
            response = Json.object();
            response.put("output", text);
        }
        ArrayNode parts = Json.array();
        ObjectNode functionResponse = parts.addObject().putObject("functionResponse");
        if (!ToolCallIds.isGenerated(id)) {
            functionResponse.put("id", id);
        }
        functionResponse.put("name", name);
        functionResponse.set("response", response);
        return parts;
    }

    private void append(String role, ArrayNode parts) {
        if (parts.isEmpty()) {
            return;
        }
        if (!contents.isEmpty()) {
            ObjectNode last = (ObjectNode) contents.get(contents.size() - 1);
            if (role.equals(Json.string(last, "role"))) {
                ((ArrayNode) last.get("parts")).addAll(parts);
                return;
            }
        }
        ObjectNode content = contents.addObject();
        content.put("role", role);
        content.set("parts", parts);
    }
}
