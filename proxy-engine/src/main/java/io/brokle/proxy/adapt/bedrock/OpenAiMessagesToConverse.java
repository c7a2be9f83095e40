package io.brokle.proxy.adapt.bedrock;

import static io.brokle.proxy.adapt.OpenAiParameters.requireString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiMessages;
import io.brokle.proxy.adapt.TranslationException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAI's {@code messages} as Converse's {@code system} and {@code messages}; part of
 * {@link OpenAiToConverseRequest}.
 * <ul>
 *   <li>{@code system} and {@code developer} messages, wherever they are, become {@code system}
 *       text blocks, in order.</li>
 *   <li>Content becomes blocks: text to {@code {text}}; {@code image_url} with a base64
 *       {@code data:} URL to {@code {image:{format, source:{bytes}}}} (png, jpeg, gif, webp; the
 *       base64 text is passed as is); a base64 PDF {@code file} to
 *       {@code {document:{format:"pdf", name, source:{bytes}}}}. An http(s) image URL is refused
 *       (400): Converse takes bytes, and the gateway never fetches URLs. Audio is refused.</li>
 *   <li>An assistant's {@code tool_calls} become {@code {toolUse:{toolUseId, name, input}}} after
 *       its text; its {@code thinking_blocks} (as answered by {@link ConverseToOpenAiResponse})
 *       go first, as {@code reasoningContent}. {@code reasoning_content} alone cannot go back
 *       (Bedrock wants the signature) and is dropped.</li>
 *   <li>{@code tool} messages become {@code {toolResult:{toolUseId, content:[...]}}} blocks of a
 *       user message; consecutive messages of one role are merged (Converse wants turns to
 *       alternate), so consecutive tool results share one user message.</li>
 *   <li>{@code cache_control} on a part adds a {@code {cachePoint:{type:"default"}}} block after it;
 *       on a message, after its last block.</li>
 *   <li>Empty text is left out (Converse refuses blank text blocks), and so is a message left with
 *       no content at all (an assistant turn of {@code content: ""}); a message's {@code name} and
 *       an image's {@code detail} are dropped.</li>
 * </ul>
 */
final class OpenAiMessagesToConverse {
    private static final Map<String, String> IMAGE_FORMATS = Map.of("image/png", "png", "image/jpeg", "jpeg",
            "image/jpg", "jpeg", "image/gif", "gif", "image/webp", "webp");
    private static final Pattern DATA_URL =
            Pattern.compile("data:([^;,]*)((?:;[^;,]*)*),(.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    private final Set<String> dropped;
    private final ArrayNode system = Json.array();
    private final ArrayNode messages = Json.array();
    private boolean toolBlocks;

    OpenAiMessagesToConverse(Set<String> dropped) {
        this.dropped = dropped;
    }

    ArrayNode system() {
        return system;
    }

    ArrayNode messages() {
        return messages;
    }

    /** Whether the conversation holds tool calls or results (Converse then needs {@code toolConfig}). */
    boolean hasToolBlocks() {
        return toolBlocks;
    }

    void translate(JsonNode openAiMessages) throws TranslationException {
        OpenAiMessages.requireNonEmpty(openAiMessages);
        for (int i = 0; i < openAiMessages.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode message = OpenAiMessages.message(openAiMessages, i, path, dropped);
            String role = Json.string(message, "role");
            switch (role == null ? "" : role) {
                case "system", "developer" -> system(message, path);
                case "user" -> append("user", userContent(message, path));
                case "assistant" -> append("assistant", assistantContent(message, path));
                case "tool" -> append("user", toolResult(message, path));
                default -> throw OpenAiMessages.unsupportedRole(role, path);
            }
        }
    }

    private void system(JsonNode message, String path) throws TranslationException {
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            if (!content.textValue().isEmpty()) {
                system.add(text(content.textValue()));
            }
        } else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                String partPath = path + ".content[" + j + "]";
                JsonNode part = content.get(j);
                if (!"text".equals(Json.string(part, "type"))) {
                    throw new TranslationException("system and developer messages take only text parts", partPath);
                }
                String text = requireString(part, "text", partPath);
                if (!text.isEmpty()) {
                    system.add(text(text));
                }
                if (Json.present(part, "cache_control")) {
                    system.add(cachePoint());
                }
            }
        } else {
            throw new TranslationException("content must be a string or an array of text parts", path + ".content");
        }
        if (Json.present(message, "cache_control") && !system.isEmpty()) {
            system.add(cachePoint());
        }
    }

    private ArrayNode userContent(JsonNode message, String path) throws TranslationException {
        ArrayNode blocks = Json.array();
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            if (!content.textValue().isEmpty()) {
                blocks.add(text(content.textValue()));
            }
        } else if (content != null && content.isArray()) {
            parts(content, path, blocks);
        } else {
            throw new TranslationException("content must be a string or an array of content parts", path + ".content");
        }
        markEnd(message, blocks);
        return blocks;
    }

    private ArrayNode assistantContent(JsonNode message, String path) throws TranslationException {
        ArrayNode blocks = Json.array();
        JsonNode thinking = message.get("thinking_blocks");
        boolean hasThinking = thinking != null && thinking.isArray() && !thinking.isEmpty();
        if (Json.present(message, "reasoning_content") && !hasThinking) {
            dropped.add("messages[].reasoning_content");
        }
        if (Json.present(message, "function_call")) {
            throw new TranslationException("function_call (legacy function calling) is not supported: use tool_calls",
                    path + ".function_call");
        }
        if (hasThinking) {
            for (int j = 0; j < thinking.size(); j++) {
                blocks.add(reasoning(thinking.get(j), path + ".thinking_blocks[" + j + "]"));
            }
        }
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            if (!content.textValue().isEmpty()) {
                blocks.add(text(content.textValue()));
            }
        } else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                String type = Json.string(content.get(j), "type");
                if (!"text".equals(type) && !"refusal".equals(type)) {
                    throw new TranslationException("assistant messages take only text and refusal parts",
                            path + ".content[" + j + "]");
                }
            }
            parts(content, path, blocks);
        } else if (content != null && !content.isNull()) {
            throw new TranslationException("content must be a string, an array of parts or null", path + ".content");
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (int j = 0; j < toolCalls.size(); j++) {
                blocks.add(toolUse(toolCalls.get(j), path + ".tool_calls[" + j + "]"));
                toolBlocks = true;
            }
        }
        markEnd(message, blocks);
        return blocks;
    }

    private static ObjectNode reasoning(JsonNode block, String path) throws TranslationException {
        String type = Json.string(block, "type");
        ObjectNode content = Json.object();
        if ("thinking".equals(type)) {
            ObjectNode reasoningText = content.putObject("reasoningText");
            reasoningText.put("text", requireString(block, "thinking", path));
            String signature = Json.string(block, "signature");
            if (signature != null) {
                reasoningText.put("signature", signature);
            }
        } else if ("redacted_thinking".equals(type)) {
            content.put("redactedContent", requireString(block, "data", path));
        } else {
            throw new TranslationException("thinking_blocks take only thinking and redacted_thinking blocks", path);
        }
        ObjectNode out = Json.object();
        out.set("reasoningContent", content);
        return out;
    }

    private static ObjectNode toolUse(JsonNode call, String path) throws TranslationException {
        if (Json.present(call, "type") && !"function".equals(Json.string(call, "type"))) {
            throw new TranslationException("only function tool calls are supported", path + ".type");
        }
        JsonNode function = call.path("function");
        JsonNode arguments = function.get("arguments");
        JsonNode input;
        if (arguments == null || arguments.isNull() || (arguments.isTextual() && arguments.textValue().isBlank())) {
            input = Json.object();
        } else if (arguments.isTextual()) {
            input = Json.parseOrNull(arguments.textValue());
        } else {
            input = arguments.deepCopy();
        }
        if (input == null || !input.isObject()) {
            throw new TranslationException("tool call arguments must be a JSON object", path + ".function.arguments");
        }
        ObjectNode toolUse = Json.object();
        toolUse.put("toolUseId", requireString(call, "id", path));
        toolUse.put("name", requireString(function, "name", path + ".function"));
        toolUse.set("input", input);
        ObjectNode block = Json.object();
        block.set("toolUse", toolUse);
        return block;
    }

    private ArrayNode toolResult(JsonNode message, String path) throws TranslationException {
        ObjectNode result = Json.object();
        result.put("toolUseId", requireString(message, "tool_call_id", path));
        ArrayNode content = result.putArray("content");
        JsonNode openAiContent = message.get("content");
        if (openAiContent != null && openAiContent.isTextual()) {
            content.add(text(openAiContent.textValue()));
        } else if (openAiContent != null && openAiContent.isArray()) {
            parts(openAiContent, path, content);
        } else if (openAiContent != null && !openAiContent.isNull()) {
            throw new TranslationException("content must be a string or an array of content parts", path + ".content");
        }
        toolBlocks = true;
        ObjectNode block = Json.object();
        block.set("toolResult", result);
        ArrayNode blocks = Json.array().add(block);
        // A tool result's content takes no cache points: a marked part marks the end of the result.
        boolean marked = false;
        for (int i = content.size() - 1; i >= 0; i--) {
            if (content.get(i).has("cachePoint")) {
                content.remove(i);
                marked = true;
            }
        }
        if (marked && !Json.present(message, "cache_control")) {
            blocks.add(cachePoint());
        }
        markEnd(message, blocks);
        return blocks;
    }

    private void parts(JsonNode content, String path, ArrayNode blocks) throws TranslationException {
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partPath = path + ".content[" + j + "]";
            String type = Json.string(part, "type");
            switch (type == null ? "" : type) {
                case "text" -> {
                    String text = requireString(part, "text", partPath);
                    if (!text.isEmpty()) {
                        blocks.add(text(text));
                    }
                }
                case "refusal" -> blocks.add(text(requireString(part, "refusal", partPath)));
                case "image_url" -> blocks.add(image(part, partPath));
                case "file" -> blocks.add(document(part.path("file"), partPath + ".file"));
                case "input_audio" -> throw new TranslationException("audio input is not supported by Bedrock's "
                        + "Converse API", partPath + ".type");
                default -> throw new TranslationException("unsupported content part type "
                        + (type == null ? "(none)" : "\"" + type + "\""), partPath + ".type");
            }
            if (Json.present(part, "cache_control")) {
                blocks.add(cachePoint());
            }
        }
    }

    private ObjectNode image(JsonNode part, String path) throws TranslationException {
        JsonNode imageUrl = part.get("image_url");
        String url = imageUrl != null && imageUrl.isTextual() ? imageUrl.textValue()
                : imageUrl == null ? null : Json.string(imageUrl, "url");
        if (url == null) {
            throw new TranslationException("image_url.url is required", path + ".image_url.url");
        }
        if (imageUrl.isObject() && Json.present(imageUrl, "detail")) {
            dropped.add("image_url.detail");
        }
        if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
            throw new TranslationException("image URLs cannot be sent to Bedrock models: Bedrock takes the image's "
                    + "bytes, and the gateway does not fetch URLs; send a base64 data URL (data:image/png;base64,...)",
                    path + ".image_url.url");
        }
        String[] data = dataUrl(url);
        if (data == null) {
            throw new TranslationException("image URLs must be base64 data URLs (data:<type>;base64,...)",
                    path + ".image_url.url");
        }
        String format = IMAGE_FORMATS.get(data[0]);
        if (format == null) {
            throw new TranslationException("image type \"" + data[0] + "\" is not supported (expected: image/png, "
                    + "image/jpeg, image/gif, image/webp)", path + ".image_url.url");
        }
        ObjectNode image = Json.object();
        image.put("format", format);
        image.putObject("source").put("bytes", data[1]);
        ObjectNode block = Json.object();
        block.set("image", image);
        return block;
    }

    private static ObjectNode document(JsonNode file, String path) throws TranslationException {
        String fileData = Json.string(file, "file_data");
        if (fileData == null) {
            throw new TranslationException(Json.present(file, "file_id")
                    ? "uploaded files (file_id) cannot be sent to Bedrock: send file_data"
                    : "file.file_data is required", path + ".file_data");
        }
        String[] data = dataUrl(fileData);
        if (data == null || !"application/pdf".equals(data[0])) {
            throw new TranslationException("file_data must be a base64 PDF data URL (data:application/pdf;base64,...)",
                    path + ".file_data");
        }
        // Converse names each document: letters, digits, spaces, hyphens, parentheses, brackets.
        String name = Json.string(file, "filename");
        name = name == null ? "document" : name.replaceAll("\\.pdf$", "").replaceAll("[^A-Za-z0-9 ()\\[\\]-]", "-");
        ObjectNode document = Json.object();
        document.put("format", "pdf");
        document.put("name", name.isBlank() ? "document" : name);
        document.putObject("source").put("bytes", data[1]);
        ObjectNode block = Json.object();
        block.set("document", document);
        return block;
    }

    /** {media type, base64 data} of a base64 data URL, or null when it is not one. */
    private static String[] dataUrl(String url) {
        Matcher m = DATA_URL.matcher(url);
        if (!m.matches() || !m.group(2).toLowerCase(Locale.ROOT).endsWith(";base64")) {
            return null;
        }
        return new String[] {m.group(1).trim().toLowerCase(Locale.ROOT), m.group(3)};
    }

    /** Adds a message, merging it into the previous one when they share a role (turns must alternate). */
    private void append(String role, ArrayNode content) {
        if (content.isEmpty()) {
            return;
        }
        if (!messages.isEmpty()) {
            ObjectNode last = (ObjectNode) messages.get(messages.size() - 1);
            if (role.equals(last.get("role").textValue())) {
                ((ArrayNode) last.get("content")).addAll(content);
                return;
            }
        }
        ObjectNode message = messages.addObject();
        message.put("role", role);
        message.set("content", content);
    }

    private static void markEnd(JsonNode message, ArrayNode blocks) {
        if (Json.present(message, "cache_control") && !blocks.isEmpty()) {
            blocks.add(cachePoint());
        }
    }

    static ObjectNode cachePoint() {
        ObjectNode block = Json.object();
        block.putObject("cachePoint").put("type", "default");
        return block;
    }

    static ObjectNode text(String text) {
        ObjectNode block = Json.object();
        block.put("text", text);
        return block;
    }
}
