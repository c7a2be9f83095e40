package io.brokle.proxy.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Every error the gateway itself answers, in OpenAI's format:
 * {@code {"error":{"message":..., "type":..., "param":..., "code":...}}}. Messages name the
 * offending value but never a secret.
 */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    /** The JSON error document. */
    public static String json(String message, String type, String param, String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":"
                + quote(param) + ",\"code\":" + quote(code) + "}}";
    }

    /** A whole HTTP response carrying the error; the caller owns it. */
    public static FullHttpResponse response(ByteBufAllocator alloc, HttpResponseStatus status, String message,
                                            String type, String param, String code) {
        byte[] body = json(message, type, param, code).getBytes(StandardCharsets.UTF_8);
        ByteBuf content = alloc.buffer(body.length).writeBytes(body);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** A terminal server-sent event for a stream that cannot go on: {@code data: {"error":...}}. */
    public static ByteBuf streamEvent(ByteBufAllocator alloc, String message, String type, String code) {
        byte[] bytes = ("data: " + json(message, type, null, code) + "\n\n").getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    public static FullHttpResponse badRequest(ByteBufAllocator alloc, String message, String param) {
        return response(alloc, HttpResponseStatus.BAD_REQUEST, message, "invalid_request_error", param, null);
    }

    public static FullHttpResponse notFound(ByteBufAllocator alloc, String message) {
        return response(alloc, HttpResponseStatus.NOT_FOUND, message, "invalid_request_error", null, "not_found");
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
