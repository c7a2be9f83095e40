package io.brokle.proxy.testing;

import io.brokle.proxy.netty.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The HTTP/1.1 keep-alive server behind the test upstreams: 127.0.0.1 on a free port, one event
 * loop of its own, whole requests (aggregated up to {@code maxRequestBytes}) handed to a fresh
 * handler per connection. Owns its event loop group, its server channel and every accepted
 * connection, and closes them all in {@link #close()}.
 */
final class LoopbackHttpServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final ChannelGroup connections = new DefaultChannelGroup("loopback", GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;

    /**
     * @param name            names the event loop thread and appears in a bind failure
     * @param handler         the last handler of each connection's pipeline
     * @param onConnection    called with every accepted connection, before any request
     */
    LoopbackHttpServer(String name, int maxRequestBytes, Supplier<ChannelHandler> handler, Consumer<Channel> onConnection) {
        Transport transport = Transport.detect();
        group = transport.newGroup(1, name);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        connections.add(channel);
                        onConnection.accept(channel);
                        channel.pipeline()
                                .addLast("http-codec", new HttpServerCodec())
                                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                .addLast("aggregator", new HttpObjectAggregator(maxRequestBytes))
                                .addLast(name, handler.get());
                    }
                });
        ChannelFuture bound = bootstrap.bind("127.0.0.1", 0).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException(name + " cannot listen", bound.cause());
        }
        serverChannel = bound.channel();
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        try {
            serverChannel.close().awaitUninterruptibly();
            connections.close().awaitUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
