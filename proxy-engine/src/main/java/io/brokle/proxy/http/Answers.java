package io.brokle.proxy.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;

/**
 * Writes an answer the gateway produced itself and accounts for it exactly once: the request
 * counter and latency by endpoint, model and status, and the active-request gauge.
 */
final class Answers {
    private Answers() {
    }

    /**
     * @param response    ownership passes to the channel
     * @param endpoint    a fixed endpoint label
     * @param model       a configured route name, or "none"
     * @param errorCause  a fixed cause label for the error counter, or {@code null}
     * @param closeAfter  close the connection once written (framing lost, or draining)
     */
    static void send(ChannelHandlerContext ctx, GatewayState state, FullHttpResponse response, String endpoint,
                     String model, String errorCause, boolean closeAfter) {
        String requestId = ctx.channel().attr(GatewayState.REQUEST_ID).get();
        if (requestId != null) {
            response.headers().set("x-request-id", requestId);
        }
        boolean close = closeAfter || state.draining();
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var written = ctx.writeAndFlush(response);
        if (close) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        finished(ctx, state, endpoint, model, response.status().code(), errorCause);
    }

    static void finished(ChannelHandlerContext ctx, GatewayState state, String endpoint, String model, int status,
                         String errorCause) {
        Long received = ctx.channel().attr(GatewayState.RECEIVED_AT).getAndSet(null);
        if (received == null) {
            return;
        }
        state.metrics().requestFinished(endpoint, model, status, System.nanoTime() - received);
        if (errorCause != null) {
            state.metrics().error(errorCause);
        }
    }
}
