package io.brokle.proxy.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream connection: hands every decoded response part to the
 * {@link UpstreamRelay} the connection currently serves, which then owns the part. While the
 * connection sits idle in the pool nothing should arrive; anything that does is released and
 * the connection closed, since its framing can no longer be trusted.
 */
final class UpstreamResponseHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "brokle-upstream-response";

    private final UpstreamPool pool;
    private UpstreamRelay relay;

    UpstreamResponseHandler(UpstreamPool pool) {
        this.pool = pool;
    }

    void bind(UpstreamRelay r) {
        this.relay = r;
    }

    void unbind() {
        this.relay = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (relay != null) {
            relay.onUpstreamMessage(msg);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.onUpstreamReadComplete();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (relay != null) {
            relay.onUpstreamClosed();
        } else {
            pool.closed(ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (relay != null) {
            relay.onUpstreamError(cause);
        }
        ctx.close();
    }
}
