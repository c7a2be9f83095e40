package io.brokle.proxy.mock;

import io.brokle.config.MockOptions;
import io.brokle.proxy.netty.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The built-in {@code mock} LLM provider: an HTTP/1.1 keep-alive server that answers OpenAI's
 * chat, legacy completion, embeddings and models endpoints deterministically
 * ({@link MockEndpoints}, {@link MockCompletions}), with the latency and chunk pacing of its
 * {@link MockOptions}. The gateway starts one per mock provider; {@link MockProviderMain} runs
 * one standalone for load tests.
 *
 * <p>Owns its server channel and the connections it accepted, and closes both in
 * {@link #close()}; the event loop group is the caller's and stays running.
 */
public final class MockProviderServer implements AutoCloseable {
    /** The largest request body accepted; larger ones get 413 from the aggregator. */
    public static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;

    private final Channel serverChannel;
    private final ChannelGroup connections;
    private final String host;

    private MockProviderServer(Channel serverChannel, ChannelGroup connections, String host) {
        this.serverChannel = serverChannel;
        this.connections = connections;
        this.host = host;
    }

    /**
     * Binds {@code host:port} ({@code port} 0 picks a free port) and returns once bound.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static MockProviderServer start(MockOptions options, EventLoopGroup group, Transport transport,
                                           String host, int port) {
        Objects.requireNonNull(host, "host");
        MockEndpoints endpoints = new MockEndpoints(new MockCompletions(options));
        ChannelGroup connections = new DefaultChannelGroup("mock-provider", GlobalEventExecutor.INSTANCE);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connections.add(channel);
                        channel.pipeline()
                                .addLast("http-codec", new HttpServerCodec())
                                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                                .addLast("mock-provider", new MockProviderHandler(endpoints, options));
                    }
                });
        ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("mock provider cannot listen on " + host + ":" + port, bound.cause());
        }
        return new MockProviderServer(bound.channel(), connections, host);
    }

    /** The bound port (the chosen one when started with port 0). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** {@code http://HOST:PORT/v1}, the base URL OpenAI clients expect. */
    public String baseUrl() {
        return "http://" + host + ":" + port() + "/v1";
    }

    /** Stops listening and closes every accepted connection; waits for both. Not for event loop threads. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
    }
}
