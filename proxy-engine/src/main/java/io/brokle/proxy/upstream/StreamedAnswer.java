package io.brokle.proxy.upstream;

import io.brokle.proxy.adapt.ResponseTranslator;
import io.brokle.proxy.adapt.StreamFramer;
import io.brokle.proxy.sse.SseEventKind;
import io.brokle.proxy.sse.SseFrameSplitter;
import io.brokle.proxy.sse.AnswerTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One successful {@code text/event-stream} answer (or a translated provider's stream in a framing
 * of its own, cut by its {@link StreamFramer}), relayed to the client as it arrives. The
 * upstream's chunks are cut into whole events ({@link SseFrameSplitter}), turned into the
 * client's format first when a {@link ResponseTranslator} is present, and inspected by the client
 * dialect's {@link AnswerTap} on the way: OpenAI's usage-only chunk is hidden from a client that
 * did not ask for it, and the normal end ({@code [DONE]}, Anthropic's {@code message_stop}) is
 * noted, since a stream that ends without it was cut. A provider's own terminal error event
 * (Anthropic's {@code event: error}) is relayed and ends the stream. Writes are
 * flushed once per upstream read; while the client cannot keep up the upstream's
 * {@code autoRead} is off, and it is turned back on when the client drains.
 *
 * <p>Created by {@link UpstreamRelay} when a streamed head arrives, and used only while the
 * relay is streaming. It tells the relay when the stream ended whole
 * ({@link UpstreamRelay#finish}) or broken ({@link UpstreamRelay#endStreamWithError}); the
 * relay owns the upstream channel, the timers and the outcome.
 *
 * <p>Ownership: {@link #onContent} takes the content it is given and hands its buffer to the
 * splitter; the kept events are written to the client, an empty result is released.
 * {@link #close} releases the splitter's pending partial event.
 */
final class StreamedAnswer implements AutoCloseable {
    private final UpstreamRelay relay;
    private final ChannelHandlerContext client;
    private final Channel upstream;
    private final HttpResponse head;
    private final boolean clientAskedUsage;
    private final ResponseTranslator translator;
    private final AnswerTap tap;
    private final AnswerHeaders headers;
    private final SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES);
    private final StreamFramer framer;

    private boolean sawDone;
    private boolean sawProviderError;
    private boolean flushPending;

    /**
     * @param upstream   the relay's upstream connection, paused and resumed here
     * @param head       the upstream's response head
     * @param translator turns a translated provider's events into the client's format; {@code null}
     *                   for providers of the client's format, whose events pass as they are
     * @param framer     cuts a translated provider's stream that is not server-sent events into
     *                   events ({@link ResponseTranslator#streamFramer}); {@code null} for SSE
     */
    StreamedAnswer(UpstreamRelay relay, ChannelHandlerContext client, Channel upstream, HttpResponse head,
                   boolean clientAskedUsage, ResponseTranslator translator, StreamFramer framer, AnswerTap tap,
                   AnswerHeaders headers) {
        this.relay = relay;
        this.client = client;
        this.upstream = upstream;
        this.head = head;
        this.clientAskedUsage = clientAskedUsage;
        this.translator = translator;
        this.framer = framer;
        this.tap = tap;
        this.headers = headers;
    }

    /** Writes the client's response head; it leaves with the first flush. */
    void writeHead() {
        client.write(streamHead());
        flushPending = true;
    }

    /**
     * Relays the events of one upstream chunk, and ends the stream on the last one.
     *
     * @throws SseFrameSplitter.EventTooLargeException when one event outgrows the limit
     */
    void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        boolean broken = content.decoderResult().isFailure();
        ByteBuf events = translator == null ? splitter.split(content.content(), this::keepEvent)
                : translateEvents(content.content());
        if (events.isReadable()) {
            relay.firstByteRelayed();
            client.write(new DefaultHttpContent(events));
            flushPending = true;
        } else {
            events.release();
        }
        if (sawProviderError || translator != null && translator.failed()) {
            // The provider's own error event (as it sent it, or translated) was the last thing relayed.
            relay.endStreamAfterProviderError();
            return;
        }
        if (broken) {
            relay.endStreamWithError("upstream_truncated", "The provider's stream was cut off: "
                    + FailureText.describe(content.decoderResult().cause()));
            return;
        }
        if (last) {
            if (!sawDone) {
                // A stream that ends without its normal end ([DONE], message_stop) was cut (some
                // upstreams end by closing the connection, which HTTP reports as a normal end):
                // never pass it off as whole.
                relay.endStreamWithError("upstream_truncated", "The provider's stream ended before it finished.");
                return;
            }
            LastHttpContent end = new DefaultLastHttpContent();
            if (tap.usage() != null) {
                end.trailingHeaders().set(AnswerHeaders.COST, AnswerHeaders.costValue(relay.cost()));
            }
            client.writeAndFlush(end);
            relay.finish(head.status().code(), "ok", HttpUtil.isKeepAlive(head) && splitter.pendingBytes() == 0
                    && (framer == null || framer.pendingBytes() == 0));
            return;
        }
        if (!client.channel().isWritable()) {
            client.flush();
            flushPending = false;
            upstream.config().setAutoRead(false);
        }
    }

    /**
     * The upstream's current read is over: send what it brought. Flushing once per read rather
     * than per event batches events that arrived together into one write, without delaying any
     * event past the read it came in.
     */
    void onReadComplete() {
        if (flushPending) {
            flushPending = false;
            client.flush();
        }
    }

    /** The client's writability changed: when it can take more again, resume reading from the upstream. */
    void onClientWritabilityChanged() {
        if (client.channel().isWritable()) {
            upstream.config().setAutoRead(true);
            upstream.read();
        }
    }

    /** A translated provider's events, as the events the client gets (kept by the same rules). */
    private ByteBuf translateEvents(ByteBuf chunk) {
        List<String> translated = new ArrayList<>();
        if (framer != null) {
            framer.split(chunk, event -> translated.addAll(translator.event(event)));
        } else {
            splitter.split(chunk, event -> {
                translated.addAll(translator.event(event));
                return false;
            }).release();
        }
        if (translated.isEmpty()) {
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBuf out = client.alloc().buffer();
        for (String event : translated) {
            ByteBuf bytes = Unpooled.wrappedBuffer(event.getBytes(StandardCharsets.UTF_8));
            try {
                if (keepEvent(bytes)) {
                    out.writeBytes(bytes);
                }
            } finally {
                bytes.release();
            }
        }
        return out;
    }

    private boolean keepEvent(ByteBuf event) {
        SseEventKind kind = tap.inspectEvent(event);
        if (kind == SseEventKind.DONE) {
            sawDone = true;
        } else if (kind == SseEventKind.ERROR) {
            sawProviderError = true;
        }
        return kind != SseEventKind.USAGE_ONLY || clientAskedUsage;
    }

    private HttpResponse streamHead() {
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
        AnswerHeaders.copyPassThrough(head.headers(), out.headers());
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, framer != null ? "text/event-stream"
                : head.headers().get(HttpHeaderNames.CONTENT_TYPE));
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        out.headers().set(HttpHeaderNames.TRAILER, AnswerHeaders.COST);
        headers.decorate(out);
        return out;
    }

    /** Releases a partial event still waiting for its end; safe to call more than once. */
    @Override
    public void close() {
        splitter.close();
        if (framer != null) {
            framer.close();
        }
    }
}
