package io.brokle.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.testing.AnthropicUpstream.Script;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last handler of an {@link AnthropicUpstream} connection: records each request, checks it as
 * Anthropic does (headers, then body), and answers through {@link AnthropicUpstreamAnswer} or as
 * the next {@link Script} says. Streamed answers go out one flushed {@code HttpContent} per event.
 * Consumes and releases every request; every response buffer goes to the channel. One instance
 * per connection.
 */
final class AnthropicUpstreamHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong REQUEST_IDS = new AtomicLong();

    private final AnthropicUpstream upstream;

    AnthropicUpstreamHandler(AnthropicUpstream upstream) {
        this.upstream = upstream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        RecordedRequest recorded = RecordedRequest.of(request);
        upstream.record(recorded);
        String path = recorded.path();
        boolean countTokens = "/v1/messages/count_tokens".equals(path);
        if (!HttpMethod.POST.equals(request.method()) || !"/v1/messages".equals(path) && !countTokens) {
            error(ctx, request, 404, "not_found_error", "Not Found");
            return;
        }
        // The API takes the key as x-api-key, or as a Bearer token (what the official Java SDK sends).
        String key = request.headers().get("x-api-key");
        String authorization = request.headers().get("authorization");
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
        if (key == null) {
            error(ctx, request, 401, "authentication_error", "x-api-key header is required");
            return;
        }
        if (!key.equals(upstream.apiKey())) {
            error(ctx, request, 401, "authentication_error", "invalid x-api-key");
            return;
        }
        if (!request.headers().contains("anthropic-version")) {
            error(ctx, request, 400, "invalid_request_error", "anthropic-version: header is required");
            return;
        }
        JsonNode body = recorded.bodyJsonOrNull();
        String problem = problem(body, !countTokens);
        if (problem != null) {
            error(ctx, request, 400, "invalid_request_error", problem);
            return;
        }
        if (countTokens) {
            write(ctx, request, HttpResponseStatus.OK,
                    AnthropicUpstreamAnswer.tokenCount(body).toString().getBytes(StandardCharsets.UTF_8), requestId());
            return;
        }
        Script script = upstream.nextScript();
        if (script instanceof Script.Fail fail) {
            error(ctx, request, fail.status(), fail.type(), fail.message());
            return;
        }
        AnthropicUpstreamAnswer answer = AnthropicUpstreamAnswer.of(body, upstream);
        int dropAfter = script instanceof Script.DropAfterEvents drop ? drop.events() : -1;
        if (body.path("stream").asBoolean(false) && script instanceof Script.ErrorEventAfterEvents failing) {
            List<Map.Entry<String, String>> events = new java.util.ArrayList<>(
                    answer.events().subList(0, Math.min(failing.events(), answer.events().size())));
            com.fasterxml.jackson.databind.node.ObjectNode error = JSON.createObjectNode().put("type", "error");
            error.putObject("error").put("type", failing.type()).put("message", failing.message());
            events.add(Map.entry("error", error.toString()));
            stream(ctx, events, -1);
        } else if (body.path("stream").asBoolean(false)) {
            stream(ctx, answer.events(), dropAfter);
        } else if (dropAfter >= 0) {
            ctx.close();
        } else {
            byte[] bytes = answer.message().toString().getBytes(StandardCharsets.UTF_8);
            write(ctx, request, HttpResponseStatus.OK, bytes, requestId());
        }
    }

    /** What Anthropic would say about {@code body}, or null when it is acceptable. */
    private static String problem(JsonNode body, boolean needsMaxTokens) {
        if (body == null || !body.isObject()) {
            return "There was an error parsing the body of your request: it must be a JSON object.";
        }
        if (!body.path("model").isTextual()) {
            return "model: Field required";
        }
        if (needsMaxTokens && !body.path("max_tokens").isIntegralNumber()) {
            return "max_tokens: Field required";
        }
        if (needsMaxTokens && body.path("max_tokens").asLong() < 1) {
            return "max_tokens: Input should be greater than or equal to 1";
        }
        if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
            return "messages: Field required";
        }
        for (JsonNode message : body.get("messages")) {
            String role = message.path("role").asText();
            if (!"user".equals(role) && !"assistant".equals(role)) {
                return "messages: Unexpected role \"" + role + "\". Allowed roles are \"user\" or \"assistant\".";
            }
        }
        return null;
    }

    private static void stream(ChannelHandlerContext ctx, List<Map.Entry<String, String>> events, int dropAfter) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set("request-id", requestId());
        NamedEventStream.write(ctx, head, events, dropAfter);
    }

    private static void error(ChannelHandlerContext ctx, FullHttpRequest request, int status, String type,
                              String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        String requestId = requestId();
        body.put("request_id", requestId);
        write(ctx, request, HttpResponseStatus.valueOf(status), body.toString().getBytes(StandardCharsets.UTF_8),
                requestId);
    }

    private static void write(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                              byte[] bytes, String requestId) {
        ByteBuf content = Unpooled.wrappedBuffer(bytes);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set("request-id", requestId);
        if (status.code() == 429 || status.code() == 529) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
        ctx.writeAndFlush(response);
    }

    private static String requestId() {
        return String.format(Locale.ROOT, "req_mock_%08d", REQUEST_IDS.incrementAndGet());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
