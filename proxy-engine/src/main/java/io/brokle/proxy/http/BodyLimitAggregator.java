package io.brokle.proxy.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Collects a request body up to the configured size. A larger body, announced by
 * {@code Content-Length} (before any of it is read, also with {@code Expect: 100-continue}) or
 * discovered while reading, gets 413 in OpenAI's format and the connection closes, so the rest
 * of the body is never read.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;

    public BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        FullHttpResponse r = ErrorResponses.response(ctx.alloc(), HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "The request body is larger than the limit of " + maxBodyBytes + " bytes.",
                "invalid_request_error", null, "request_too_large");
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
