package io.brokle.proxy.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The errors the gateway itself answers in OpenAI's format:
 * {@code {"error":{"message":..., "type":..., "param":..., "code":...}}}. Messages name the
 * offending value but never a secret. Which format a client gets is its {@link ClientDialect}'s
 * choice; {@link ClientDialect#OPENAI} writes these.
 */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    /** The JSON error document. */
    public static String json(String message, String type, String param, String code) {
        return "{\"error\":{\"message\":" + quote(message) + ",\"type\":" + quote(type) + ",\"param\":"
                + quote(param) + ",\"code\":" + quote(code) + "}}";
    }

    /**
     * A whole HTTP response carrying the error in OpenAI's format; the caller owns it. A handler
     * answering a client's request uses the request's {@link ClientDialect} instead, so that
     * clients of {@code /v1/messages} get Anthropic's format.
     */
    public static FullHttpResponse response(ByteBufAllocator alloc, HttpResponseStatus status, String message,
                                            String type, String param, String code) {
        return ClientDialect.OPENAI.error(alloc, status, message, type, param, code);
    }

    /** A terminal server-sent event for a stream that cannot go on: {@code data: {"error":...}}. */
    public static ByteBuf streamEvent(ByteBufAllocator alloc, String message, String type, String code) {
        byte[] bytes = ("data: " + json(message, type, null, code) + "\n\n").getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
