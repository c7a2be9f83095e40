package io.brokle.proxy;

import io.brokle.config.ServerSettings;
import io.brokle.proxy.http.AuthHandler;
import io.brokle.proxy.http.BodyLimitAggregator;
import io.brokle.proxy.http.GatewayState;
import io.brokle.proxy.http.LocalEndpointsHandler;
import io.brokle.proxy.http.RelayHandler;
import io.brokle.proxy.http.RequestGuardHandler;
import io.brokle.proxy.netty.ConnectionErrorHandler;
import io.brokle.proxy.netty.PipeliningGuard;
import io.brokle.proxy.netty.SlowClientGuard;
import io.brokle.proxy.upstream.Upstreams;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;

/**
 * Builds the pipeline of a client connection. HTTP/1.1 and h2c (by prior knowledge or by
 * {@code Upgrade: h2c}) share the same gateway handlers; on HTTP/2 each stream gets them in
 * its own child channel.
 * <pre>
 * slow-client -> http codec -> keep-alive -> aggregate (size limit) -> pipelining
 *   -> guard -> local endpoints -> auth -> relay -> errors
 * </pre>
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {
    public static final String SLOW_CLIENT = "slow-client";
    public static final String RELAY = "relay";

    private final ServerSettings settings;
    private final GatewayState state;
    private final Upstreams upstreams;
    private final RequestGuardHandler guard;
    private final LocalEndpointsHandler localEndpoints;
    private final AuthHandler auth;
    private final ConnectionErrorHandler errors = new ConnectionErrorHandler();

    public GatewayInitializer(ServerSettings settings, GatewayState state, Upstreams upstreams, AuthHandler auth) {
        this.settings = settings;
        this.state = state;
        this.upstreams = upstreams;
        this.guard = new RequestGuardHandler(state);
        this.localEndpoints = new LocalEndpointsHandler(state);
        this.auth = auth;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        SlowClientGuard slowClient = new SlowClientGuard(settings.requestReadTimeout(), settings.idleTimeout());
        ch.pipeline().addLast(SLOW_CLIENT, slowClient);
        addHttpCodec(ch.pipeline(), slowClient);
    }

    private void addHttpCodec(ChannelPipeline p, SlowClientGuard slowClient) {
        HttpServerCodec http1 = new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024));
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(), http2Multiplexer())
                        : null, settings.maxBodyBytes());
        p.addLast("h2c-or-http1", new CleartextHttp2ServerUpgradeHandler(http1, upgrade, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), http2Multiplexer());
            }
        }));
        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
        addGatewayHandlers(p, slowClient);
        p.addLast("h2-switch", new Http2SwitchListener());
        p.addLast("errors", errors);
    }

    private Http2MultiplexHandler http2Multiplexer() {
        return new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                stream.pipeline().addLast("h2-to-http", new Http2StreamFrameToHttpObjectCodec(true));
                addGatewayHandlers(stream.pipeline(), null);
            }
        });
    }

    private void addGatewayHandlers(ChannelPipeline p, SlowClientGuard slowClient) {
        p.addLast("aggregate", new BodyLimitAggregator(settings.maxBodyBytes()));
        p.addLast("pipelining", new PipeliningGuard(slowClient));
        p.addLast("guard", guard);
        p.addLast("local-endpoints", localEndpoints);
        p.addLast("auth", auth);
        p.addLast(RELAY, new RelayHandler(state, upstreams));
        if (slowClient == null) {
            p.addLast("errors", errors);
        }
    }

    /**
     * On a switch to HTTP/2 the connection's HTTP/1 request timing no longer applies (streams
     * are independent); drop it. HTTP/2 connections are bounded by the client's own stream
     * handling and the upstream timeouts.
     */
    private static final class Http2SwitchListener extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof CleartextHttp2ServerUpgradeHandler.PriorKnowledgeUpgradeEvent
                    || evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
                if (ctx.pipeline().get(SLOW_CLIENT) != null) {
                    ctx.pipeline().remove(SLOW_CLIENT);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
