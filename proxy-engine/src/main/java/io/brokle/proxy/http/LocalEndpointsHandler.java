package io.brokle.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Answers the gateway's own endpoints, which need no virtual key: {@code GET /health} (200, or
 * 503 while draining, for load balancers) and {@code GET /metrics} (Prometheus text format).
 * Every other request passes on untouched. These two are the whole public allowlist.
 */
@Sharable
public final class LocalEndpointsHandler extends ChannelInboundHandlerAdapter {
    private final GatewayState state;

    public LocalEndpointsHandler(GatewayState state) {
        this.state = state;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request) || request.method() != HttpMethod.GET) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        switch (path) {
            case "/health" -> {
                request.release();
                boolean draining = state.draining();
                String json = "{\"status\":\"" + (draining ? "draining" : "ok") + "\",\"configVersion\":"
                        + state.snapshots().current().version() + ",\"activeRequests\":"
                        + state.metrics().activeRequests() + "}";
                Answers.send(ctx, state, text(ctx, draining ? HttpResponseStatus.SERVICE_UNAVAILABLE
                        : HttpResponseStatus.OK, "application/json", json), "health", "none", null, false);
            }
            case "/metrics" -> {
                request.release();
                Answers.send(ctx, state, text(ctx, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                        state.metrics().render()), "metrics", "none", null, false);
            }
            default -> ctx.fireChannelRead(request);
        }
    }

    private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf content = ctx.alloc().buffer(bytes.length).writeBytes(bytes);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        return r;
    }
}
