package io.brokle.proxy.adapt.anthropic;

import static io.brokle.proxy.adapt.OpenAiParameters.requireString;

import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiMessages;
import io.brokle.proxy.adapt.TranslationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's {@code messages} as Anthropic's {@code system} and {@code messages}; part of
 * {@link OpenAiToAnthropicRequest}.
 * <ul>
 *   <li>{@code system} and {@code developer} messages, wherever they are, become the
 *       {@code system} prompt in order: a string when there is one message of string content and no
 *       {@code cache_control}, text blocks otherwise.</li>
 *   <li>String content stays a string; content parts become blocks: {@code text} (and an
 *       assistant's {@code refusal}) to {@code text}, {@code image_url} to {@code image} (a
 *       base64 {@code data:} URL to a {@code base64} source with its media type, an http(s) URL to
 *       a {@code url} source; nothing is fetched), {@code file} with base64 PDF
 *       {@code file_data} to a {@code document} block. {@code input_audio}, {@code file_id}
 *       files and other URLs are refused.</li>
 *   <li>An assistant's {@code tool_calls} become {@code tool_use} blocks after its text, with
 *       {@code arguments} parsed into {@code input} (empty arguments are {@code {}}); its
 *       {@code thinking_blocks} (the extension {@link AnthropicToOpenAiResponse} answers with)
 *       go first, as sent. {@code reasoning_content} alone cannot go back (Anthropic wants the
 *       signature) and is dropped.</li>
 *   <li>{@code tool} messages become {@code tool_result} blocks of a user message.</li>
 *   <li>Consecutive messages of the same Anthropic role are merged into one, so tool results
 *       and a following user message share one turn, results first.</li>
 *   <li>{@code cache_control} on a content part goes onto its block; on a message, onto the
 *       message's last block.</li>
 *   <li>A message's {@code name} and an image's {@code detail} have no Anthropic field and are
 *       dropped.</li>
 * </ul>
 */
final class OpenAiMessagesToAnthropic {
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private final Set<String> dropped;
    private final ArrayNode system = Json.array();
    private boolean systemIsPlainString = true;
    private final ArrayNode messages = Json.array();

    /** @param dropped where to record the parameters that are dropped */
    OpenAiMessagesToAnthropic(Set<String> dropped) {
        this.dropped = dropped;
    }

    /** Anthropic's {@code system}: a string, blocks, or null when there was no system message. */
    JsonNode system() {
        if (system.isEmpty()) {
            return null;
        }
        if (system.size() == 1 && systemIsPlainString) {
            return system.get(0).get("text");
        }
        return system;
    }

    ArrayNode messages() {
        return messages;
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
        List<ObjectNode> blocks = new ArrayList<>();
        if (content != null && content.isTextual()) {
            blocks.add(textBlock(content.textValue()));
        } else if (content != null && content.isArray()) {
            systemIsPlainString = false;
            for (int j = 0; j < content.size(); j++) {
                String partPath = path + ".content[" + j + "]";
                JsonNode part = content.get(j);
                if (!"text".equals(Json.string(part, "type"))) {
                    throw new TranslationException("system and developer messages take only text parts", partPath);
                }
                ObjectNode block = textBlock(requireString(part, "text", partPath));
                copyCacheControl(part, block, partPath);
                blocks.add(block);
            }
        } else {
            throw new TranslationException("content must be a string or an array of text parts", path + ".content");
        }
        if (Json.present(message, "cache_control") && !blocks.isEmpty()) {
            systemIsPlainString = false;
            copyCacheControl(message, blocks.getLast(), path);
        }
        blocks.forEach(system::add);
    }

    private JsonNode userContent(JsonNode message, String path) throws TranslationException {
        JsonNode content = message.get("content");
        if (content != null && content.isTextual() && !Json.present(message, "cache_control")) {
            return content;
        }
        ArrayNode blocks = Json.array();
        if (content != null && content.isTextual()) {
            blocks.add(textBlock(content.textValue()));
        } else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                ObjectNode block = part(content.get(j), path + ".content[" + j + "]");
                if (block != null) {
                    blocks.add(block);
                }
            }
        } else {
            throw new TranslationException("content must be a string or an array of content parts", path + ".content");
        }
        markLast(message, blocks, path);
        return blocks;
    }

    private JsonNode assistantContent(JsonNode message, String path) throws TranslationException {
        JsonNode content = message.get("content");
        JsonNode toolCalls = message.get("tool_calls");
        JsonNode thinking = message.get("thinking_blocks");
        boolean hasToolCalls = toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty();
        boolean hasThinking = thinking != null && thinking.isArray() && !thinking.isEmpty();
        if (Json.present(message, "reasoning_content") && !hasThinking) {
            dropped.add("messages[].reasoning_content");
        }
        if (Json.present(message, "function_call")) {
            throw new TranslationException("function_call (legacy function calling) is not supported: use tool_calls",
                    path + ".function_call");
        }
        if (content != null && content.isTextual() && !hasToolCalls && !hasThinking
                && !Json.present(message, "cache_control")) {
            return content;
        }
        ArrayNode blocks = Json.array();
        if (hasThinking) {
            for (int j = 0; j < thinking.size(); j++) {
                JsonNode block = thinking.get(j);
                String type = Json.string(block, "type");
                if (!"thinking".equals(type) && !"redacted_thinking".equals(type)) {
                    throw new TranslationException("thinking_blocks take only thinking and redacted_thinking blocks",
                            path + ".thinking_blocks[" + j + "]");
                }
                blocks.add(block.deepCopy());
            }
        }
        if (content != null && content.isTextual()) {
            if (!content.textValue().isEmpty()) {
                blocks.add(textBlock(content.textValue()));
            }
        } else if (content != null && content.isArray()) {
            for (int j = 0; j < content.size(); j++) {
                String partPath = path + ".content[" + j + "]";
                String type = Json.string(content.get(j), "type");
                if (!"text".equals(type) && !"refusal".equals(type)) {
                    throw new TranslationException("assistant messages take only text and refusal parts", partPath);
                }
                ObjectNode block = part(content.get(j), partPath);
                if (block != null) {
                    blocks.add(block);
                }
            }
        } else if (content != null && !content.isNull()) {
            throw new TranslationException("content must be a string, an array of parts or null", path + ".content");
        }
        if (hasToolCalls) {
            for (int j = 0; j < toolCalls.size(); j++) {
                blocks.add(toolUse(toolCalls.get(j), path + ".tool_calls[" + j + "]"));
            }
        }
        markLast(message, blocks, path);
        return blocks.isEmpty() ? TextNode.valueOf("") : blocks;
    }

    private static ObjectNode toolUse(JsonNode call, String path) throws TranslationException {
        if (!"function".equals(Json.string(call, "type")) && Json.present(call, "type")) {
            throw new TranslationException("only function tool calls are supported", path + ".type");
        }
        String id = requireString(call, "id", path);
        JsonNode function = call.path("function");
        String name = requireString(function, "name", path + ".function");
        JsonNode arguments = function.get("arguments");
        JsonNode input;
        if (arguments == null || arguments.isNull()
                || (arguments.isTextual() && arguments.textValue().isBlank())) {
            input = Json.object();
        } else if (arguments.isTextual()) {
            input = Json.parseOrNull(arguments.textValue());
        } else {
            input = arguments.deepCopy();
        }
        if (input == null || !input.isObject()) {
            throw new TranslationException("tool call arguments must be a JSON object", path + ".function.arguments");
        }
        ObjectNode block = Json.object();
        block.put("type", "tool_use");
        block.put("id", id);
        block.put("name", name);
        block.set("input", input);
        return block;
    }

    private JsonNode toolResult(JsonNode message, String path) throws TranslationException {
        ObjectNode block = Json.object();
        block.put("type", "tool_result");
        block.put("tool_use_id", requireString(message, "tool_call_id", path));
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            block.set("content", content);
        } else if (content != null && content.isArray()) {
            ArrayNode blocks = block.putArray("content");
            for (int j = 0; j < content.size(); j++) {
                ObjectNode part = part(content.get(j), path + ".content[" + j + "]");
                if (part != null) {
                    blocks.add(part);
                }
            }
        } else if (content != null && !content.isNull()) {
            throw new TranslationException("content must be a string or an array of content parts", path + ".content");
        }
        copyCacheControl(message, block, path);
        return Json.array().add(block);
    }

    /** One content part as a block; null for an empty text part, which Anthropic would refuse. */
    private ObjectNode part(JsonNode part, String path) throws TranslationException {
        String type = Json.string(part, "type");
        ObjectNode block = switch (type == null ? "" : type) {
            case "text" -> {
                String text = requireString(part, "text", path);
                yield text.isEmpty() && !Json.present(part, "cache_control") ? null : textBlock(text);
            }
            case "refusal" -> textBlock(requireString(part, "refusal", path));
            case "image_url" -> image(part, path);
            case "file" -> document(part.path("file"), path + ".file");
            case "input_audio" -> throw new TranslationException("audio input is not supported by Anthropic models",
                    path + ".type");
            default -> throw new TranslationException("unsupported content part type "
                    + (type == null ? "(none)" : "\"" + type + "\""), path + ".type");
        };
        if (block != null) {
            copyCacheControl(part, block, path);
        }
        return block;
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
        ObjectNode source = Json.object();
        if (DataUrl.isDataUrl(url)) {
            DataUrl data = DataUrl.parse(url);
            if (data == null) {
                throw new TranslationException("image data URLs must be base64 (data:<type>;base64,...)",
                        path + ".image_url.url");
            }
            if (!IMAGE_TYPES.contains(data.mediaType())) {
                throw new TranslationException("image type \"" + data.mediaType()
                        + "\" is not supported (expected: image/jpeg, image/png, image/gif, image/webp)",
                        path + ".image_url.url");
            }
            source.put("type", "base64");
            source.put("media_type", data.mediaType());
            source.put("data", data.base64());
        } else if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
            source.put("type", "url");
            source.put("url", url);
        } else {
            throw new TranslationException("image URLs must be http(s) or base64 data URLs", path + ".image_url.url");
        }
        ObjectNode block = Json.object();
        block.put("type", "image");
        block.set("source", source);
        return block;
    }

    private static ObjectNode document(JsonNode file, String path) throws TranslationException {
        String fileData = Json.string(file, "file_data");
        if (fileData == null && Json.present(file, "file_id")) {
            throw new TranslationException("uploaded files (file_id) cannot be sent to Anthropic: send file_data",
                    path + ".file_id");
        }
        if (fileData == null) {
            throw new TranslationException("file.file_data is required", path + ".file_data");
        }
        DataUrl data = DataUrl.parse(fileData);
        if (data == null || !"application/pdf".equals(data.mediaType())) {
            throw new TranslationException("file_data must be a base64 PDF data URL (data:application/pdf;base64,...)",
                    path + ".file_data");
        }
        ObjectNode source = Json.object();
        source.put("type", "base64");
        source.put("media_type", data.mediaType());
        source.put("data", data.base64());
        ObjectNode block = Json.object();
        block.put("type", "document");
        block.set("source", source);
        String filename = Json.string(file, "filename");
        if (filename != null) {
            block.put("title", filename);
        }
        return block;
    }

    /** Adds a message to the list, merging it into the previous one when they share a role. */
    private void append(String role, JsonNode content) {
        if (!messages.isEmpty()) {
            ObjectNode last = (ObjectNode) messages.get(messages.size() - 1);
            if (role.equals(last.get("role").textValue())) {
                ArrayNode merged = blocks(last.get("content"));
                merged.addAll(blocks(content));
                last.set("content", merged);
                return;
            }
        }
        ObjectNode message = messages.addObject();
        message.put("role", role);
        message.set("content", content);
    }

    private static ArrayNode blocks(JsonNode content) {
        if (content.isArray()) {
            return (ArrayNode) content;
        }
        ArrayNode blocks = Json.array();
        if (!content.textValue().isEmpty()) {
            blocks.add(textBlock(content.textValue()));
        }
        return blocks;
    }

    private static void markLast(JsonNode message, ArrayNode blocks, String path) throws TranslationException {
        if (Json.present(message, "cache_control") && !blocks.isEmpty()) {
            copyCacheControl(message, (ObjectNode) blocks.get(blocks.size() - 1), path);
        }
    }

    static void copyCacheControl(JsonNode from, ObjectNode to, String path) throws TranslationException {
        JsonNode marker = from.get("cache_control");
        if (marker == null || marker.isNull()) {
            return;
        }
        if (!marker.isObject()) {
            throw new TranslationException("cache_control must be an object like {\"type\":\"ephemeral\"}",
                    path + ".cache_control");
        }
        to.set("cache_control", marker.deepCopy());
    }

    static ObjectNode textBlock(String text) {
        ObjectNode block = Json.object();
        block.put("type", "text");
        block.put("text", text);
        return block;
    }
}
