package io.brokle.proxy.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Lets the handlers after it see one HTTP/1.1 request at a time: a pipelined request that
 * arrives while the previous answer is still being written waits here, and is passed on once
 * that answer's last part was written. Responses therefore keep request order without any
 * later handler knowing about pipelining. More than {@link #MAX_QUEUED} waiting requests close
 * the connection. Tells the {@link SlowClientGuard}, if any, when a request is complete and
 * when its answer is.
 *
 * <p>Owns the requests it queues; they are released if the connection closes first.
 */
public final class PipeliningGuard extends ChannelDuplexHandler {
    public static final int MAX_QUEUED = 16;

    private final SlowClientGuard slowClientGuard;
    private final ArrayDeque<FullHttpRequest> queued = new ArrayDeque<>();
    private boolean inFlight;

    /** @param slowClientGuard the connection's guard, or {@code null} (HTTP/2 streams) */
    public PipeliningGuard(SlowClientGuard slowClientGuard) {
        this.slowClientGuard = slowClientGuard;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (inFlight) {
            if (queued.size() >= MAX_QUEUED) {
                ReferenceCountUtil.release(request);
                ctx.close();
                return;
            }
            queued.add(request);
            return;
        }
        dispatch(ctx, request);
    }

    private void dispatch(ChannelHandlerContext ctx, FullHttpRequest request) {
        inFlight = true;
        if (slowClientGuard != null) {
            slowClientGuard.requestReceived();
        }
        ctx.fireChannelRead(request);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean last = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (last && inFlight) {
            inFlight = false;
            FullHttpRequest next = queued.poll();
            if (next != null) {
                // Dispatch after this write returns, so the next answer never interleaves with this one.
                ctx.executor().execute(() -> {
                    if (ctx.channel().isActive()) {
                        dispatch(ctx, next);
                    } else {
                        next.release();
                    }
                });
            } else if (slowClientGuard != null) {
                slowClientGuard.responseCompleted();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseQueued();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseQueued();
    }

    private void releaseQueued() {
        FullHttpRequest r;
        while ((r = queued.poll()) != null) {
            r.release();
        }
    }
}
