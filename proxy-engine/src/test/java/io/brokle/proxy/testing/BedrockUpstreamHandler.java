package io.brokle.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.bedrock.EventStreamFrames;
import io.brokle.proxy.testing.BedrockUpstream.Script;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last handler of a {@link BedrockUpstream} connection: records each request, checks its
 * signature and body as Bedrock does, and answers, or misbehaves as the next {@link Script} says.
 * The answers are deterministic:
 * <ul>
 *   <li>With {@code additionalModelRequestFields.thinking} enabled: a {@code reasoningContent}
 *       block with a signature first.</li>
 *   <li>With tools, when {@code toolChoice} is {@code any} or {@code tool}, or the last user text
 *       says "use the tool": a {@code toolUse} block for the named (or first) tool, its input made
 *       from the tool's schema (strings {@code "mock"}, numbers 1, booleans true);
 *       {@code stopReason: tool_use}.</li>
 *   <li>Otherwise {@code Hello! You said: <last user text>}, with {@code [<format> image, N bytes]}
 *       for each image of the last user message, cut after {@code maxTokens} words
 *       ({@code max_tokens}).</li>
 *   <li>Usage: a token is four characters of the body; output tokens are words. With a
 *       {@code cachePoint} in {@code system}, the system's tokens are written to the cache the
 *       first time and read from it afterwards.</li>
 * </ul>
 * Consumes and releases every request; every response buffer goes to the channel.
 */
final class BedrockUpstreamHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/model/([^/]+)/(converse|converse-stream|invoke)");
    private static final Set<String> BLOCK_KEYS = Set.of("text", "image", "document", "toolUse", "toolResult",
            "reasoningContent", "cachePoint", "guardContent", "video");
    private static final int TEXT_PIECE_CHARS = 12;
    private static final int JSON_PIECE_CHARS = 9;

    private final BedrockUpstream upstream;

    BedrockUpstreamHandler(BedrockUpstream upstream) {
        this.upstream = upstream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        RecordedRequest recorded = RecordedRequest.of(request);
        upstream.record(recorded);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        Matcher path = PATH.matcher(recorded.path());
        if (!"POST".equals(recorded.method()) || !path.matches()) {
            error(ctx, keepAlive, 404, "UnknownOperationException", "The requested operation is not recognized by the service.");
            return;
        }
        String[] signature = upstream.signatureProblem(recorded);
        if (signature != null) {
            error(ctx, keepAlive, 403, signature[0], signature[1]);
            return;
        }
        String modelId = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
        String action = path.group(2);
        JsonNode body;
        try {
            body = JSON.readTree(recorded.body());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            error(ctx, keepAlive, 400, "ValidationException", "Malformed input request, please reformat your input "
                    + "and try again.");
            return;
        }
        String problem = action.equals("invoke") ? embeddingProblem(body, modelId) : converseProblem(body);
        if (problem != null) {
            error(ctx, keepAlive, 400, "ValidationException", problem);
            return;
        }
        Script script = upstream.nextScript();
        if (script instanceof Script.Fail fail) {
            error(ctx, keepAlive, fail.status(), fail.exception(), fail.message());
            return;
        }
        JsonNode parsed = body;
        Runnable answer = () -> answer(ctx, keepAlive, action, modelId, parsed, recorded.body().length, script);
        if (script instanceof Script.SlowFirstByte slow) {
            ctx.executor().schedule(answer, slow.delay().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            answer.run();
        }
    }

    private void answer(ChannelHandlerContext ctx, boolean keepAlive, String action, String modelId, JsonNode body,
                        int bodyBytes, Script script) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (action.equals("invoke")) {
            write(ctx, keepAlive, HttpResponseStatus.OK, embeddings(body, modelId).toString());
            return;
        }
        ObjectNode answer = converse(body, bodyBytes);
        if (action.equals("converse")) {
            if (script instanceof Script.DropAfterEvents) {
                ctx.close();
                return;
            }
            write(ctx, keepAlive, HttpResponseStatus.OK, answer.toString());
            return;
        }
        stream(ctx, frames(answer), script);
    }

    /** What Bedrock would say about a Converse body, or null when it is acceptable. */
    private static String converseProblem(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            return "A conversation must start with a user message. Try again with a conversation that starts with a "
                    + "user message.";
        }
        boolean hasTools = body.path("toolConfig").path("tools").isArray();
        String expected = "user";
        for (JsonNode message : messages) {
            if (!expected.equals(message.path("role").asText())) {
                return "A conversation must alternate between user and assistant roles. Make sure the conversation "
                        + "alternates between user and assistant roles and try again.";
            }
            expected = expected.equals("user") ? "assistant" : "user";
            JsonNode content = message.get("content");
            if (content == null || !content.isArray() || content.isEmpty()) {
                return "The content field in the Message object is empty. Add a ContentBlock object to the content "
                        + "field and try again.";
            }
            for (JsonNode block : content) {
                if (block.size() != 1 || !BLOCK_KEYS.contains(block.fieldNames().next())) {
                    return "The model returned the following errors: malformed content block " + block;
                }
                if (block.has("text") && block.get("text").asText().isBlank()) {
                    return "The text field in the ContentBlock object is blank. Add text to the text field, and try "
                            + "again.";
                }
                if ((block.has("toolUse") || block.has("toolResult")) && !hasTools) {
                    return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
                }
                if (block.has("image")) {
                    String format = block.get("image").path("format").asText();
                    if (!Set.of("png", "jpeg", "gif", "webp").contains(format)) {
                        return "Invalid image format " + format;
                    }
                    try {
                        Base64.getDecoder().decode(block.get("image").path("source").path("bytes").asText());
                    } catch (IllegalArgumentException e) {
                        return "Invalid image bytes: not base64";
                    }
                }
            }
        }
        for (JsonNode tool : body.path("toolConfig").path("tools")) {
            if (!tool.has("cachePoint") && !tool.path("toolSpec").path("inputSchema").path("json").isObject()) {
                return "The json field of the inputSchema of tool " + tool.path("toolSpec").path("name") + " is required.";
            }
        }
        return null;
    }

    private static String embeddingProblem(JsonNode body, String modelId) {
        if (modelId.startsWith("amazon.titan-embed-text")) {
            return body.path("inputText").isTextual() ? null
                    : "Malformed input request: #: required key [inputText] not found, please reformat your input and "
                    + "try again.";
        }
        if (modelId.startsWith("cohere.embed")) {
            return body.path("texts").isArray() && body.path("input_type").isTextual() ? null
                    : "Malformed input request: #: required key [texts] or [input_type] not found";
        }
        return "The provided model identifier is invalid.";
    }

    /** The whole Converse answer to {@code body}. */
    private ObjectNode converse(JsonNode body, int bodyBytes) {
        JsonNode lastUser = null;
        for (JsonNode message : body.get("messages")) {
            if ("user".equals(message.path("role").asText())) {
                lastUser = message;
            }
        }
        StringBuilder userText = new StringBuilder();
        List<String> images = new ArrayList<>();
        for (JsonNode block : lastUser.path("content")) {
            if (block.has("text")) {
                userText.append(userText.isEmpty() ? "" : " ").append(block.get("text").asText());
            } else if (block.has("image")) {
                images.add("[" + block.get("image").path("format").asText() + " image, "
                        + Base64.getDecoder().decode(block.get("image").path("source").path("bytes").asText()).length
                        + " bytes]");
            }
        }
        ArrayNode content = JSON.createArrayNode();
        long outputTokens = 0;
        String stopReason = "end_turn";
        if ("enabled".equals(body.path("additionalModelRequestFields").path("thinking").path("type").asText())) {
            String thought = "The user wrote \"" + userText + "\". I will answer briefly.";
            ObjectNode text = content.addObject().putObject("reasoningContent").putObject("reasoningText");
            text.put("text", thought);
            text.put("signature", Base64.getEncoder().encodeToString(("sig:" + thought.length()).getBytes(
                    StandardCharsets.US_ASCII)));
            outputTokens += thought.split(" ").length;
        }
        JsonNode tools = body.path("toolConfig").path("tools");
        JsonNode choice = body.path("toolConfig").path("toolChoice");
        boolean forced = choice.has("any") || choice.has("tool");
        JsonNode tool = null;
        if (tools.isArray() && (forced || userText.toString().toLowerCase().contains("use the tool"))) {
            String wanted = choice.path("tool").path("name").asText(null);
            for (JsonNode candidate : tools) {
                JsonNode spec = candidate.get("toolSpec");
                if (spec != null && (wanted == null || wanted.equals(spec.path("name").asText()))) {
                    tool = spec;
                    break;
                }
            }
        }
        if (tool != null) {
            ObjectNode toolUse = content.addObject().putObject("toolUse");
            toolUse.put("toolUseId", "tooluse_" + UUID.nameUUIDFromBytes(body.toString().getBytes(StandardCharsets.UTF_8))
                    .toString().replace("-", "").substring(0, 22));
            toolUse.put("name", tool.path("name").asText());
            toolUse.set("input", inputFor(tool.path("inputSchema").path("json")));
            outputTokens += 10;
            stopReason = "tool_use";
        } else {
            String text = "Hello! You said: " + userText + (images.isEmpty() ? "" : " " + String.join(" ", images));
            String[] words = text.split(" ");
            long max = body.path("inferenceConfig").path("maxTokens").asLong(Long.MAX_VALUE);
            if (words.length > max) {
                text = String.join(" ", java.util.Arrays.copyOf(words, (int) max));
                stopReason = "max_tokens";
            }
            content.addObject().put("text", text);
            outputTokens += Math.min(words.length, max);
        }
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode message = answer.putObject("output").putObject("message");
        message.put("role", "assistant");
        message.set("content", content);
        answer.put("stopReason", stopReason);
        ObjectNode usage = answer.putObject("usage");
        long input = Math.max(1, bodyBytes / 4);
        long cacheRead = 0;
        long cacheWrite = 0;
        JsonNode system = body.path("system");
        boolean cachePoint = false;
        for (JsonNode block : system) {
            cachePoint |= block.has("cachePoint");
        }
        if (cachePoint) {
            long prefix = Math.max(1, system.toString().length() / 4);
            input = Math.max(1, input - prefix);
            if (upstream.cacheHit(system.toString())) {
                cacheRead = prefix;
            } else {
                cacheWrite = prefix;
            }
        }
        usage.put("inputTokens", input);
        usage.put("outputTokens", outputTokens);
        usage.put("totalTokens", input + outputTokens + cacheRead + cacheWrite);
        if (cachePoint) {
            usage.put("cacheReadInputTokens", cacheRead);
            usage.put("cacheWriteInputTokens", cacheWrite);
        }
        answer.putObject("metrics").put("latencyMs", 42);
        return answer;
    }

    private static JsonNode inputFor(JsonNode schema) {
        ObjectNode input = JSON.createObjectNode();
        schema.path("properties").fields().forEachRemaining(property -> {
            switch (property.getValue().path("type").asText()) {
                case "number", "integer" -> input.put(property.getKey(), 1);
                case "boolean" -> input.put(property.getKey(), true);
                default -> input.put(property.getKey(), "mock");
            }
        });
        return input;
    }

    /** The Converse answer as ConverseStream frames, in Bedrock's order. */
    private static List<byte[]> frames(ObjectNode answer) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(event("messageStart", JSON.createObjectNode().put("role", "assistant")));
        int index = 0;
        for (JsonNode block : answer.path("output").path("message").path("content")) {
            if (block.has("text")) {
                for (String piece : pieces(block.get("text").asText(), TEXT_PIECE_CHARS)) {
                    ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", index);
                    delta.putObject("delta").put("text", piece);
                    frames.add(event("contentBlockDelta", delta));
                }
            } else if (block.has("toolUse")) {
                JsonNode toolUse = block.get("toolUse");
                ObjectNode start = JSON.createObjectNode().put("contentBlockIndex", index);
                start.putObject("start").putObject("toolUse").put("toolUseId", toolUse.path("toolUseId").asText())
                        .put("name", toolUse.path("name").asText());
                frames.add(event("contentBlockStart", start));
                for (String piece : pieces(toolUse.get("input").toString(), JSON_PIECE_CHARS)) {
                    ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", index);
                    delta.putObject("delta").putObject("toolUse").put("input", piece);
                    frames.add(event("contentBlockDelta", delta));
                }
            } else if (block.has("reasoningContent")) {
                JsonNode reasoning = block.path("reasoningContent").path("reasoningText");
                for (String piece : pieces(reasoning.path("text").asText(), TEXT_PIECE_CHARS)) {
                    ObjectNode delta = JSON.createObjectNode().put("contentBlockIndex", index);
                    delta.putObject("delta").putObject("reasoningContent").put("text", piece);
                    frames.add(event("contentBlockDelta", delta));
                }
                ObjectNode signature = JSON.createObjectNode().put("contentBlockIndex", index);
                signature.putObject("delta").putObject("reasoningContent")
                        .put("signature", reasoning.path("signature").asText());
                frames.add(event("contentBlockDelta", signature));
            }
            frames.add(event("contentBlockStop", JSON.createObjectNode().put("contentBlockIndex", index)));
            index++;
        }
        frames.add(event("messageStop", JSON.createObjectNode().put("stopReason", answer.path("stopReason").asText())));
        ObjectNode metadata = JSON.createObjectNode();
        metadata.set("usage", answer.get("usage"));
        metadata.set("metrics", answer.get("metrics"));
        frames.add(event("metadata", metadata));
        return frames;
    }

    /** An event frame; the payload is padded with {@code "p"}, as Bedrock pads its stream events. */
    private static byte[] event(String type, ObjectNode payload) {
        payload.put("p", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".substring(0, 1 + type.length()));
        return EventStreamFrames.event(type, payload.toString());
    }

    private static List<String> pieces(String text, int size) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
            pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        return pieces;
    }

    private static void stream(ChannelHandlerContext ctx, List<byte[]> frames, Script script) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/vnd.amazon.eventstream")
                .set("x-amzn-RequestId", UUID.randomUUID().toString());
        HttpUtil.setTransferEncodingChunked(head, true);
        ctx.write(head);
        int cutAfter = script instanceof Script.DropAfterEvents drop ? drop.events()
                : script instanceof Script.ExceptionAfterEvents exception ? exception.events()
                : script instanceof Script.CorruptAfterEvents corrupt ? corrupt.events() : -1;
        for (int i = 0; i < frames.size(); i++) {
            if (i == cutAfter) {
                if (script instanceof Script.ExceptionAfterEvents exception) {
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(
                            EventStreamFrames.exception(exception.exceptionType(), exception.message()))));
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                } else if (script instanceof Script.CorruptAfterEvents) {
                    byte[] bad = frames.get(i).clone();
                    bad[bad.length - 1] ^= 0x5a;
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bad)));
                } else {
                    ctx.flush();
                    ctx.close();
                }
                return;
            }
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(frames.get(i))));
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    private static ObjectNode embeddings(JsonNode body, String modelId) {
        ObjectNode out = JSON.createObjectNode();
        if (modelId.startsWith("amazon.titan-embed-text")) {
            String text = body.get("inputText").asText();
            int dimensions = body.path("dimensions").asInt(modelId.contains("v2") ? 1024 : 1536);
            out.set("embedding", vector(text, dimensions));
            out.put("inputTextTokenCount", text.split("\\s+").length);
            return out;
        }
        out.put("id", UUID.randomUUID().toString());
        ArrayNode embeddings = out.putArray("embeddings");
        for (JsonNode text : body.get("texts")) {
            embeddings.add(vector(text.asText(), 1024));
        }
        out.set("texts", body.get("texts"));
        out.put("response_type", "embeddings_floats");
        return out;
    }

    /** A deterministic vector for {@code text}. */
    private static ArrayNode vector(String text, int dimensions) {
        ArrayNode vector = JSON.createArrayNode();
        int seed = text.hashCode();
        for (int i = 0; i < dimensions; i++) {
            seed = seed * 1103515245 + 12345;
            vector.add(((seed >>> 8) % 2000) / 1000.0 - 1.0);
        }
        return vector;
    }

    private static void error(ChannelHandlerContext ctx, boolean keepAlive, int status, String exception, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body.toString(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set("x-amzn-RequestId", UUID.randomUUID().toString())
                .set("x-amzn-ErrorType", exception + ":http://internal.amazon.com/coral/com.amazon.bedrock/");
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response);
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String json) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set("x-amzn-RequestId", UUID.randomUUID().toString());
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
