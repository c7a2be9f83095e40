package io.brokle.proxy.netty;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a connection: an exception nothing earlier handled ends here, is logged once
 * with the channel id, and closes the connection. A peer that resets or drops its connection is
 * ordinary traffic, logged at debug only, so a load balancer or a benchmark closing its
 * connections cannot flood the log.
 */
@Sharable
public final class ConnectionErrorHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionErrorHandler.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("connection {} failed: {}", ctx.channel().id().asShortText(), cause.toString());
        } else {
            log.warn("connection {} closed after an unexpected error", ctx.channel().id().asShortText(), cause);
        }
        ctx.close();
    }
}
