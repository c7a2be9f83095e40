package io.brokle.proxy.http;

import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.anthropic.AnthropicErrors;
import io.brokle.proxy.sse.AnswerTap;
import io.brokle.proxy.sse.AnthropicUsageTap;
import io.brokle.proxy.sse.UsageTap;
import io.brokle.proxy.upstream.ErrorDocuments;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The API format a client speaks, decided by the path it called, and everything about answers
 * that depends on it: how the gateway's own errors look (a whole response, or the terminal event
 * of a stream that cannot go on), how token usage is read from answers, and which upstream error
 * documents can be passed on as they are. Handlers ask the request's dialect instead of testing
 * the path themselves.
 * <ul>
 *   <li>{@link #OPENAI}: {@code /v1/chat/completions}, {@code /v1/completions},
 *       {@code /v1/embeddings} and every other path. Errors
 *       {@code {"error":{"message","type","param","code"}}}; a broken stream ends with
 *       {@code data: {"error":...}} and no {@code [DONE]}.</li>
 *   <li>{@link #ANTHROPIC}: {@code /v1/messages} and the paths below it. Errors
 *       {@code {"type":"error","error":{"type","message"}}}, their type following the status
 *       ({@link AnthropicErrors#forStatus}); a broken stream ends with {@code event: error} and no
 *       {@code message_stop}.</li>
 * </ul>
 */
public enum ClientDialect {
    OPENAI {
        @Override
        public byte[] errorJson(int status, String message, String type, String param, String code) {
            return ErrorResponses.json(message, type, param, code).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public ByteBuf streamError(ByteBufAllocator alloc, String message, String type, String code) {
            return ErrorResponses.streamEvent(alloc, message, type, code);
        }

        @Override
        public AnswerTap newTap() {
            return new UsageTap();
        }

        @Override
        public boolean isErrorDocument(int status, ByteBuf body) {
            return ErrorDocuments.isErrorDocument(body);
        }

        @Override
        public String retryCode(int status, ByteBuf body) {
            return ErrorDocuments.errorCode(body);
        }

        @Override
        public List<Map.Entry<String, String>> formatHeaders(HttpHeaders clientHeaders) {
            return List.of();
        }
    },
    ANTHROPIC {
        @Override
        public byte[] errorJson(int status, String message, String type, String param, String code) {
            return Json.write(AnthropicErrors.forStatus(status, code, message)).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public ByteBuf streamError(ByteBufAllocator alloc, String message, String type, String code) {
            String data = Json.write(AnthropicErrors.streamErrorToAnthropic(AnthropicErrors.openAiError(message,
                    type, code)));
            byte[] bytes = ("event: error\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
            return alloc.buffer(bytes.length).writeBytes(bytes);
        }

        @Override
        public AnswerTap newTap() {
            return new AnthropicUsageTap();
        }

        @Override
        public boolean isErrorDocument(int status, ByteBuf body) {
            var parsed = Json.parseOrNull(body.toString(StandardCharsets.UTF_8));
            return parsed != null && parsed.isObject() && "error".equals(Json.string(parsed, "type"))
                    && parsed.path("error").isObject() && parsed.path("error").path("type").isTextual();
        }

        @Override
        public String retryCode(int status, ByteBuf body) {
            return AnthropicErrors.retryCode(status, body.toString(StandardCharsets.UTF_8));
        }

        @Override
        public List<Map.Entry<String, String>> formatHeaders(HttpHeaders clientHeaders) {
            List<Map.Entry<String, String>> out = new ArrayList<>(2);
            for (String name : new String[] {"anthropic-version", "anthropic-beta"}) {
                List<String> values = clientHeaders.getAll(name);
                if (!values.isEmpty()) {
                    out.add(Map.entry(name, String.join(",", values)));
                }
            }
            return List.copyOf(out);
        }
    };

    private static final String MESSAGES_PATH = "/v1/messages";

    /**
     * The dialect of a request target (path, maybe with a query): Anthropic's for
     * {@code /v1/messages} and below it, OpenAI's for everything else.
     */
    public static ClientDialect forUri(String uri) {
        if (uri == null || !uri.startsWith(MESSAGES_PATH)) {
            return OPENAI;
        }
        if (uri.length() == MESSAGES_PATH.length()) {
            return ANTHROPIC;
        }
        char next = uri.charAt(MESSAGES_PATH.length());
        return next == '/' || next == '?' || next == '#' ? ANTHROPIC : OPENAI;
    }

    /**
     * An error document in this dialect.
     *
     * @param status  the HTTP status it goes with
     * @param message what went wrong, safe for the client (no secret)
     * @param type    the OpenAI error type (the Anthropic dialect derives its own from the status)
     * @param param   the offending request field, or null (OpenAI's format only)
     * @param code    the OpenAI-style code, or null
     */
    public abstract byte[] errorJson(int status, String message, String type, String param, String code);

    /** A whole error response in this dialect; the caller owns it. */
    public final FullHttpResponse error(ByteBufAllocator alloc, HttpResponseStatus status, String message, String type,
                                        String param, String code) {
        byte[] body = errorJson(status.code(), message, type, param, code);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer(body.length).writeBytes(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** The terminal event of a stream that cannot go on; the caller owns the buffer. */
    public abstract ByteBuf streamError(ByteBufAllocator alloc, String message, String type, String code);

    /** A new reader of token usage (and, for streams, of their end) for one answer in this dialect. */
    public abstract AnswerTap newTap();

    /**
     * Whether an upstream error answer, already in this dialect, is a proper error document that
     * the client can be given as it is. Reads through a view; indexes and reference count untouched.
     */
    public abstract boolean isErrorDocument(int status, ByteBuf body);

    /** The OpenAI-style error code the retry rule reads from an error answer in this dialect, or null. */
    public abstract String retryCode(int status, ByteBuf body);

    /**
     * The client's headers that belong to its API format rather than to the gateway (Anthropic's
     * {@code anthropic-version} and {@code anthropic-beta}), sent on when the request is relayed to
     * a provider of the same format. Never a credential.
     */
    public abstract List<Map.Entry<String, String>> formatHeaders(HttpHeaders clientHeaders);
}
