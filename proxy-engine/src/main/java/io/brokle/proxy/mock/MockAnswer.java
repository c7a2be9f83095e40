package io.brokle.proxy.mock;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * One HTTP answer of the mock, as a head and a sequence of parts that {@link MockAnswerWriter}
 * writes with the configured delays. A fixed answer (JSON or an error) has one part, its whole
 * body, and a {@code Content-Length}; a streamed answer is chunked and has one part per SSE
 * event, the last a {@code LastHttpContent}.
 *
 * <p>Owns no buffer: bodies are byte arrays and stream events are encoded by
 * {@link #nextPart}, whose result belongs to the caller. An answer that is dropped half-way
 * needs no cleanup. Not thread-safe; used on one event loop.
 */
public final class MockAnswer {
    private final HttpResponse head;
    private final byte[] body;
    private final StreamedCompletion stream;
    private int nextPart;

    private MockAnswer(HttpResponse head, byte[] body, StreamedCompletion stream) {
        this.head = head;
        this.body = body;
        this.stream = stream;
    }

    /** A {@code status} answer with {@code body}, sent as is. */
    public static MockAnswer fixed(HttpResponseStatus status, CharSequence contentType, byte[] body) {
        Objects.requireNonNull(body, "body");
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return new MockAnswer(head, body, null);
    }

    /**
     * An error in OpenAI's format:
     * {@code {"error":{"message":..,"type":..,"param":..,"code":..}}}.
     *
     * @param param the request field at fault, or null
     * @param code  OpenAI's error code (e.g. {@code rate_limit_exceeded}), or null
     */
    public static MockAnswer error(HttpResponseStatus status, String type, String message, String param, String code) {
        byte[] body = OpenAiJson.bytes(json -> OpenAiJson.error(json, message, type, param, code));
        return fixed(status, HttpHeaderValues.APPLICATION_JSON, body);
    }

    static MockAnswer json(byte[] body) {
        return fixed(HttpResponseStatus.OK, HttpHeaderValues.APPLICATION_JSON, body);
    }

    static MockAnswer stream(StreamedCompletion stream) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        return new MockAnswer(head, null, stream);
    }

    /** The status line and headers; headers may still be changed until the head is written. */
    public HttpResponse head() {
        return head;
    }

    public HttpHeaders headers() {
        return head.headers();
    }

    public boolean streamed() {
        return stream != null;
    }

    /**
     * How many parts carry the first {@code contentChunks} content chunks and what precedes
     * them: for a chat stream the role chunk plus {@code contentChunks}, for a legacy text stream
     * {@code contentChunks}, and 0 for a fixed answer (its one part is the whole body).
     */
    public int partsForContentChunks(int contentChunks) {
        return stream == null ? 0 : stream.partsBeforeContent() + contentChunks;
    }

    public boolean hasNextPart() {
        return nextPart < (stream == null ? 1 : stream.parts());
    }

    /** The next part, owned by the caller (write it or release it). */
    public HttpContent nextPart(ByteBufAllocator alloc) {
        if (!hasNextPart()) {
            throw new NoSuchElementException("answer has no part " + nextPart);
        }
        int index = nextPart++;
        if (stream == null) {
            return new DefaultLastHttpContent(Unpooled.wrappedBuffer(body));
        }
        return stream.part(index, alloc);
    }
}
