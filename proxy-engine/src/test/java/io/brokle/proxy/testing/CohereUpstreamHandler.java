package io.brokle.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.testing.CohereUpstream.Script;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of a {@link CohereUpstream} connection: records each request, checks it as
 * Cohere does (path, Bearer key, then body), and answers through {@link CohereUpstreamAnswer} or
 * as the next {@link Script} says. Streamed answers go out one flushed {@code HttpContent} per
 * event. Consumes and releases every request (the body is parsed before any delayed answer);
 * every response buffer goes to the channel. One instance per connection.
 */
final class CohereUpstreamHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

    private final CohereUpstream upstream;

    CohereUpstreamHandler(CohereUpstream upstream) {
        this.upstream = upstream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        RecordedRequest recorded = RecordedRequest.of(request);
        upstream.record(recorded);
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path = recorded.path();
        boolean chat = "/v2/chat".equals(path);
        if (!HttpMethod.POST.equals(request.method()) || !(chat || "/v2/embed".equals(path))) {
            error(ctx, keepAlive, 404, "Not Found", null);
            return;
        }
        String authorization = request.headers().get("authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            error(ctx, keepAlive, 401, "no api key supplied", null);
            return;
        }
        if (!authorization.substring(7).trim().equals(upstream.apiKey())) {
            error(ctx, keepAlive, 401, "invalid api token", null);
            return;
        }
        JsonNode body = recorded.bodyJsonOrNull();
        String problem = chat ? chatProblem(body) : embedProblem(body);
        if (problem != null) {
            error(ctx, keepAlive, 400, problem, null);
            return;
        }
        Script script = upstream.nextScript();
        if (script instanceof Script.SlowFirstByte slow) {
            JsonNode parsed = body;
            ctx.executor().schedule(() -> answer(ctx, keepAlive, chat, parsed, null),
                    slow.delay().toNanos(), TimeUnit.NANOSECONDS);
            return;
        }
        answer(ctx, keepAlive, chat, body, script);
    }

    private static void answer(ChannelHandlerContext ctx, boolean keepAlive, boolean chat, JsonNode body,
                               Script script) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (script instanceof Script.Fail fail) {
            error(ctx, keepAlive, fail.status(), fail.message(), fail.retryAfter());
            return;
        }
        int dropAfter = script instanceof Script.DropAfterEvents drop ? drop.events() : -1;
        if (!chat) {
            if (dropAfter >= 0) {
                ctx.close();
                return;
            }
            write(ctx, keepAlive, HttpResponseStatus.OK, CohereUpstreamAnswer.embed(body).toString(), null);
            return;
        }
        CohereUpstreamAnswer answer = CohereUpstreamAnswer.chat(body);
        boolean stream = body.path("stream").asBoolean(false);
        if (stream && script instanceof Script.ErrorEndAfterEvents failing) {
            List<Map.Entry<String, String>> events = new ArrayList<>(
                    answer.events().subList(0, Math.min(failing.events(), answer.events().size())));
            events.add(CohereUpstreamAnswer.errorEnd(failing.message()));
            stream(ctx, events, -1);
        } else if (stream) {
            stream(ctx, answer.events(), dropAfter);
        } else if (dropAfter >= 0) {
            ctx.close();
        } else {
            write(ctx, keepAlive, HttpResponseStatus.OK, answer.body().toString(), null);
        }
    }

    /** What Cohere would say about a chat body, or null when it is acceptable. */
    private static String chatProblem(JsonNode body) {
        if (body == null || !body.isObject()) {
            return "invalid request: the body must be a JSON object";
        }
        if (!body.path("model").isTextual()) {
            return "invalid request: model must be specified";
        }
        if (!body.path("messages").isArray() || body.path("messages").isEmpty()) {
            return "invalid request: messages must not be empty";
        }
        for (JsonNode message : body.get("messages")) {
            String role = message.path("role").asText();
            if (!ROLES.contains(role)) {
                return "invalid request: unknown role \"" + role + "\"";
            }
            if ("tool".equals(role) && !message.path("tool_call_id").isTextual()) {
                return "invalid request: tool messages need a tool_call_id";
            }
        }
        if (body.has("tool_choice") && !body.path("tools").isArray()) {
            return "invalid request: tool_choice requires tools";
        }
        return null;
    }

    /** What Cohere would say about an embed body, or null when it is acceptable. */
    private static String embedProblem(JsonNode body) {
        if (body == null || !body.isObject()) {
            return "invalid request: the body must be a JSON object";
        }
        if (!body.path("model").isTextual()) {
            return "invalid request: model must be specified";
        }
        if (!body.path("texts").isArray() || body.path("texts").isEmpty()) {
            return "invalid request: one of texts, images or inputs must be specified";
        }
        if (!body.path("input_type").isTextual()) {
            return "invalid request: valid input_type must be provided with the provided model";
        }
        if (!body.path("embedding_types").isArray()) {
            return "invalid request: embedding_types must be specified";
        }
        return null;
    }

    private static void stream(ChannelHandlerContext ctx, List<Map.Entry<String, String>> events, int dropAfter) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        NamedEventStream.write(ctx, head, events, dropAfter);
    }

    /** Cohere's error answer: {@code {"id": "<uuid>", "message": "..."}}. */
    private static void error(ChannelHandlerContext ctx, boolean keepAlive, int status, String message,
                              String retryAfter) {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", UUID.randomUUID().toString());
        body.put("message", message);
        write(ctx, keepAlive, HttpResponseStatus.valueOf(status), body.toString(), retryAfter);
    }

    private static void write(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String json,
                              String retryAfter) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (retryAfter != null) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
