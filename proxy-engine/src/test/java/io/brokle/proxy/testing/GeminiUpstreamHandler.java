package io.brokle.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.testing.GeminiUpstream.Script;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The last handler of a {@link GeminiUpstream} connection: records each request, checks it as the
 * Gemini API does (path, key, then body, field by field), and answers through
 * {@link GeminiUpstreamAnswer} or as the next {@link Script} says. Streamed answers go out one
 * flushed {@code HttpContent} per event. Consumes and releases every request; every response
 * buffer goes to the channel. One instance per connection.
 */
final class GeminiUpstreamHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METHOD_PATH = Pattern.compile("/v1beta/models/([^/:]+):([A-Za-z]+)");

    private static final Set<String> REQUEST_FIELDS = Set.of("contents", "tools", "toolConfig", "safetySettings",
            "systemInstruction", "generationConfig", "cachedContent");
    private static final Set<String> GENERATION_CONFIG_FIELDS = Set.of("stopSequences", "responseMimeType",
            "responseSchema", "responseJsonSchema", "responseModalities", "candidateCount", "maxOutputTokens",
            "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs",
            "logprobs", "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig", "imageConfig",
            "mediaResolution");
    private static final Set<String> THINKING_FIELDS = Set.of("includeThoughts", "thinkingBudget", "thinkingLevel");
    private static final Set<String> CONTENT_FIELDS = Set.of("role", "parts");
    private static final Set<String> PART_FIELDS = Set.of("text", "inlineData", "functionCall", "functionResponse",
            "fileData", "executableCode", "codeExecutionResult", "thought", "thoughtSignature", "videoMetadata",
            "partMetadata");
    private static final Set<String> TOOL_FIELDS = Set.of("functionDeclarations", "googleSearchRetrieval",
            "codeExecution", "googleSearch", "urlContext", "computerUse", "fileSearch", "googleMaps");
    private static final Set<String> DECLARATION_FIELDS = Set.of("name", "description", "behavior", "parameters",
            "parametersJsonSchema", "response", "responseJsonSchema");
    private static final Set<String> TOOL_CONFIG_FIELDS = Set.of("functionCallingConfig", "retrievalConfig");
    private static final Set<String> CALLING_CONFIG_FIELDS = Set.of("mode", "allowedFunctionNames");
    private static final Set<String> EMBED_FIELDS = Set.of("model", "content", "taskType", "title",
            "outputDimensionality");

    private final GeminiUpstream upstream;

    GeminiUpstreamHandler(GeminiUpstream upstream) {
        this.upstream = upstream;
    }

    /** A 400 the API would send for the body. */
    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        RecordedRequest recorded = RecordedRequest.of(request);
        upstream.record(recorded);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        Matcher m = METHOD_PATH.matcher(query.path());
        if (!HttpMethod.POST.equals(request.method()) || !m.matches()) {
            error(ctx, keepAlive, 404, "NOT_FOUND", "Requested entity was not found.", 0, null);
            return;
        }
        String model = m.group(1);
        String method = m.group(2);
        String key = request.headers().get("x-goog-api-key");
        if (key == null && query.parameters().containsKey("key")) {
            key = query.parameters().get("key").get(0);
        }
        if (key == null) {
            error(ctx, keepAlive, 403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without "
                    + "established identity). Please use API Key or other form of API consumer identity to call this API.",
                    0, null);
            return;
        }
        if (!key.equals(upstream.apiKey())) {
            ObjectNode detail = JSON.createObjectNode().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                    .put("reason", "API_KEY_INVALID").put("domain", "googleapis.com");
            error(ctx, keepAlive, 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", 0, detail);
            return;
        }
        JsonNode body = recorded.bodyJsonOrNull();
        try {
            switch (method) {
                case "generateContent", "streamGenerateContent" -> checkGenerateContent(model, body);
                case "batchEmbedContents" -> checkBatchEmbed(model, body);
                default -> {
                    error(ctx, keepAlive, 404, "NOT_FOUND", "Method " + method + " not found.", 0, null);
                    return;
                }
            }
        } catch (Invalid e) {
            error(ctx, keepAlive, 400, "INVALID_ARGUMENT", e.getMessage(), 0, null);
            return;
        }
        Script script = upstream.nextScript();
        if (script instanceof Script.Fail fail) {
            error(ctx, keepAlive, fail.status(), fail.googleStatus(), fail.message(), fail.retryAfterSeconds(), null);
            return;
        }
        if (script instanceof Script.RetryInfoOnly only) {
            ObjectNode retryInfo = JSON.createObjectNode().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                    .put("retryDelay", only.seconds() + "s");
            write(ctx, keepAlive, HttpResponseStatus.TOO_MANY_REQUESTS, errorBody(429, "RESOURCE_EXHAUSTED",
                    "You exceeded your current quota.", retryInfo).toString(), 0);
            return;
        }
        JsonNode checked = body;
        Runnable answer = () -> answer(ctx, keepAlive, model, method, "sse".equals(firstParam(query, "alt")), checked, script);
        if (script instanceof Script.SlowFirstByte slow) {
            ctx.executor().schedule(answer, slow.delay().toNanos(), TimeUnit.NANOSECONDS);
        } else {
            answer.run();
        }
    }

    private void answer(ChannelHandlerContext ctx, boolean keepAlive, String model, String method, boolean sse,
                        JsonNode body, Script script) {
        if (!ctx.channel().isActive()) {
            return;
        }
        int dropAfter = script instanceof Script.DropAfterEvents drop ? drop.events() : -1;
        if ("batchEmbedContents".equals(method)) {
            if (dropAfter >= 0) {
                ctx.close();
                return;
            }
            write(ctx, keepAlive, HttpResponseStatus.OK, embeddings(body).toString(), 0);
            return;
        }
        List<ObjectNode> events;
        ObjectNode whole;
        if (script instanceof Script.BlockPrompt block) {
            whole = GeminiUpstreamAnswer.blocked(model, block.reason());
            events = List.of(whole);
        } else {
            GeminiUpstreamAnswer answer = GeminiUpstreamAnswer.of(model, body, upstream);
            whole = answer.response();
            events = answer.chunks();
        }
        if ("generateContent".equals(method)) {
            if (dropAfter >= 0) {
                ctx.close();
                return;
            }
            write(ctx, keepAlive, HttpResponseStatus.OK, whole.toString(), 0);
            return;
        }
        if (!sse) {
            // Without alt=sse the API streams one JSON array of responses.
            ArrayNode array = JSON.createArrayNode();
            events.forEach(array::add);
            write(ctx, keepAlive, HttpResponseStatus.OK, array.toString(), 0);
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set("x-content-type-options", "nosniff");
        HttpUtil.setTransferEncodingChunked(head, true);
        ctx.write(head);
        int errorAfter = script instanceof Script.ErrorEventAfterEvents failing ? failing.events() : -1;
        for (int i = 0; i < events.size(); i++) {
            if (i == dropAfter) {
                ctx.flush();
                ctx.close();
                return;
            }
            if (i == errorAfter) {
                Script.ErrorEventAfterEvents failing = (Script.ErrorEventAfterEvents) script;
                sendEvent(ctx, errorBody(failing.code(), failing.googleStatus(), failing.message(), null).toString());
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                return;
            }
            sendEvent(ctx, events.get(i).toString());
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    private static void sendEvent(ChannelHandlerContext ctx, String json) {
        // The API ends each event with a CRLF blank line.
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: " + json + "\r\n\r\n", StandardCharsets.UTF_8)));
    }

    private static ObjectNode embeddings(JsonNode body) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode embeddings = out.putArray("embeddings");
        for (JsonNode one : body.get("requests")) {
            String text = one.path("content").path("parts").path(0).path("text").asText();
            int dimensions = one.path("outputDimensionality").asInt(768);
            byte[] seed = GeminiUpstreamAnswer.digest(text).getBytes(StandardCharsets.US_ASCII);
            double[] values = new double[dimensions];
            double norm = 0;
            for (int i = 0; i < dimensions; i++) {
                values[i] = (seed[i % seed.length] - 80) / 40.0;
                norm += values[i] * values[i];
            }
            ArrayNode vector = embeddings.addObject().putArray("values");
            for (double v : values) {
                vector.add((float) (v / Math.sqrt(norm)));
            }
        }
        return out;
    }

    private static void checkGenerateContent(String model, JsonNode body) throws Invalid {
        if (body == null || !body.isObject()) {
            throw new Invalid("Invalid JSON payload received. Expected an object.");
        }
        known(body, REQUEST_FIELDS, "");
        JsonNode contents = body.get("contents");
        if (contents == null || !contents.isArray() || contents.isEmpty()) {
            throw new Invalid("* GenerateContentRequest.contents: contents is not specified");
        }
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            known(content, CONTENT_FIELDS, "contents[" + i + "]");
            String role = content.path("role").asText("user");
            if (!"user".equals(role) && !"model".equals(role)) {
                throw new Invalid("Please use a valid role: user, model.");
            }
            checkParts(content.get("parts"), "contents[" + i + "]");
            if (model.startsWith("gemini-3") && "model".equals(role)) {
                for (JsonNode part : content.get("parts")) {
                    if (part.has("functionCall") && !part.has("thoughtSignature")) {
                        throw new Invalid("Function call is missing a thought_signature in functionCall parts. This is "
                                + "required for tools to work correctly, and missing thought_signature may lead to "
                                + "degraded model performance.");
                    }
                }
            }
        }
        if (body.has("systemInstruction")) {
            known(body.get("systemInstruction"), CONTENT_FIELDS, "system_instruction");
            checkParts(body.get("systemInstruction").get("parts"), "system_instruction");
        }
        JsonNode config = body.get("generationConfig");
        if (config != null) {
            known(config, GENERATION_CONFIG_FIELDS, "generation_config");
            JsonNode thinking = config.get("thinkingConfig");
            if (thinking != null) {
                known(thinking, THINKING_FIELDS, "generation_config.thinking_config");
                if (thinking.has("thinkingBudget") && thinking.has("thinkingLevel")) {
                    throw new Invalid("You can only set only one of thinking budget and thinking level.");
                }
                if (thinking.has("thinkingLevel") && model.startsWith("gemini-2")) {
                    throw new Invalid("Thinking level is not supported for this model.");
                }
            }
            if (config.has("responseJsonSchema") && config.has("responseSchema")) {
                throw new Invalid("responseSchema and responseJsonSchema cannot both be set.");
            }
        }
        for (JsonNode tool : body.path("tools")) {
            known(tool, TOOL_FIELDS, "tools[0]");
            for (JsonNode declaration : tool.path("functionDeclarations")) {
                known(declaration, DECLARATION_FIELDS, "tools[0].function_declarations[0]");
                if (!declaration.path("name").isTextual()) {
                    throw new Invalid("* GenerateContentRequest.tools[0].function_declarations[0].name: Name is required.");
                }
                if (declaration.has("parameters") && declaration.has("parametersJsonSchema")) {
                    throw new Invalid("parameters and parametersJsonSchema are mutually exclusive.");
                }
            }
        }
        JsonNode toolConfig = body.get("toolConfig");
        if (toolConfig != null) {
            known(toolConfig, TOOL_CONFIG_FIELDS, "tool_config");
            known(toolConfig.path("functionCallingConfig"), CALLING_CONFIG_FIELDS, "tool_config.function_calling_config");
        }
    }

    private static void checkParts(JsonNode parts, String where) throws Invalid {
        if (parts == null || !parts.isArray() || parts.isEmpty()) {
            throw new Invalid("* GenerateContentRequest." + where + ".parts: contents.parts must not be empty.");
        }
        for (JsonNode part : parts) {
            known(part, PART_FIELDS, where + ".parts[0]");
            JsonNode inline = part.get("inlineData");
            if (inline != null && (!inline.path("mimeType").isTextual() || !inline.path("data").isTextual())) {
                throw new Invalid("* GenerateContentRequest." + where + ".parts[0].inline_data: mimeType and data are required.");
            }
        }
    }

    private static void checkBatchEmbed(String model, JsonNode body) throws Invalid {
        if (body == null || !body.isObject()) {
            throw new Invalid("Invalid JSON payload received. Expected an object.");
        }
        known(body, Set.of("requests"), "");
        JsonNode requests = body.get("requests");
        if (requests == null || !requests.isArray() || requests.isEmpty()) {
            throw new Invalid("* BatchEmbedContentsRequest.requests: requests is not specified");
        }
        for (JsonNode one : requests) {
            known(one, EMBED_FIELDS, "requests[0]");
            if (!("models/" + model).equals(one.path("model").asText())) {
                throw new Invalid("* BatchEmbedContentsRequest.requests[0].model: the model of each request must be "
                        + "models/" + model);
            }
            checkParts(one.path("content").get("parts"), "requests[0].content");
        }
    }

    /** Google's error for a field its proto does not have (the real API names it as sent). */
    private static void known(JsonNode node, Set<String> fields, String where) throws Invalid {
        if (node == null || !node.isObject()) {
            return;
        }
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new Invalid("Invalid JSON payload received. Unknown name \"" + name + "\""
                        + (where.isEmpty() ? "" : " at '" + where + "'") + ": Cannot find field.");
            }
        }
    }

    private static String firstParam(QueryStringDecoder query, String name) {
        List<String> values = query.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static ObjectNode errorBody(int code, String status, String message, ObjectNode detail) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        error.put("status", status);
        if (detail != null) {
            error.putArray("details").add(detail);
        }
        return body;
    }

    private static void error(ChannelHandlerContext ctx, boolean keepAlive, int status, String googleStatus,
                              String message, int retryAfterSeconds, ObjectNode detail) {
        if (retryAfterSeconds > 0 && detail == null) {
            detail = JSON.createObjectNode().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                    .put("retryDelay", retryAfterSeconds + "s");
        }
        write(ctx, keepAlive, HttpResponseStatus.valueOf(status), errorBody(status, googleStatus, message, detail).toString(),
                retryAfterSeconds);
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String json,
                              int retryAfterSeconds) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (retryAfterSeconds > 0) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, Integer.toString(retryAfterSeconds));
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
