package io.brokle.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * Follows one request at a time on one keep-alive connection and reports its milestones: the
 * first body bytes and the end of the response, with whether it succeeded (status 200 and, for
 * a stream, a last event of {@code data: [DONE]}). Body bytes are only looked at and released.
 */
final class ExchangeHandler extends SimpleChannelInboundHandler<HttpObject> {
    /** What one exchange reports; called on the connection's event loop. */
    interface Listener {
        void firstChunk(long nanoTime);

        void completed(long nanoTime, boolean ok, int status);

        void failed(long nanoTime, Throwable cause);
    }

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final boolean stream;
    private Listener listener;
    private int status;
    private boolean sawBody;
    private final byte[] tail = new byte[32];
    private int tailLength;

    ExchangeHandler(boolean stream) {
        this.stream = stream;
    }

    /** The next exchange's listener; set before its request is written. */
    void expect(Listener next) {
        listener = next;
        status = 0;
        sawBody = false;
        tailLength = 0;
    }

    boolean busy() {
        return listener != null;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        Listener l = listener;
        if (l == null) {
            return; // nothing asked for: ignore (and the base class releases it)
        }
        if (msg instanceof HttpResponse response) {
            status = response.status().code();
        }
        if (msg instanceof HttpContent content) {
            ByteBuf b = content.content();
            if (b.isReadable()) {
                if (!sawBody) {
                    sawBody = true;
                    l.firstChunk(System.nanoTime());
                }
                keepTail(b);
            }
            if (msg instanceof LastHttpContent) {
                listener = null;
                boolean ok = status == 200 && (!stream || endsWithDone());
                l.completed(System.nanoTime(), ok, status);
            }
        }
    }

    private void keepTail(ByteBuf b) {
        int n = Math.min(b.readableBytes(), tail.length);
        if (tailLength + n > tail.length) {
            int keep = tail.length - n;
            System.arraycopy(tail, tailLength - keep, tail, 0, keep);
            tailLength = keep;
        }
        b.getBytes(b.writerIndex() - n, tail, tailLength, n);
        tailLength += n;
    }

    private boolean endsWithDone() {
        String t = new String(tail, 0, tailLength, StandardCharsets.US_ASCII);
        return t.contains(new String(DONE, StandardCharsets.US_ASCII));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        fail(new java.io.IOException("connection closed"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
        ctx.close();
    }

    private void fail(Throwable cause) {
        Listener l = listener;
        listener = null;
        if (l != null) {
            l.failed(System.nanoTime(), cause);
        }
    }
}
