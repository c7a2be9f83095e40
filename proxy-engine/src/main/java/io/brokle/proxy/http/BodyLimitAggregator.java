package io.brokle.proxy.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Collects a request body up to the configured size. A larger body, announced by
 * {@code Content-Length} (before any of it is read, and with {@code Expect: 100-continue}
 * instead of the 100 Continue) or discovered while reading, gets 413 in the client's format
 * ({@link ClientDialect}) and the
 * connection closes, so the rest of the body is never read.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {
    private final int maxBodyBytes;

    public BodyLimitAggregator(int maxBodyBytes) {
        super(maxBodyBytes, true);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(tooLarge(ctx.alloc(), oversized)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
            // Netty's own answer here is a bare 413; give the client the same error as everywhere else.
            pipeline.fireUserEventTriggered(HttpExpectationFailedEvent.INSTANCE);
            start.headers().remove(HttpHeaderNames.EXPECT);
            return tooLarge(pipeline.channel().alloc(), start);
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    private FullHttpResponse tooLarge(ByteBufAllocator alloc, HttpMessage request) {
        ClientDialect dialect = request instanceof HttpRequest req ? ClientDialect.forUri(req.uri()) : ClientDialect.OPENAI;
        FullHttpResponse r = dialect.error(alloc, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                "The request body is larger than the limit of " + maxBodyBytes + " bytes.",
                "invalid_request_error", null, "request_too_large");
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return r;
    }
}
