package io.brokle.proxy.upstream;

import io.brokle.proxy.netty.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * Keep-alive connections to upstreams, one pool per event loop so that a request and its
 * upstream connection always share a thread: no locks, no hand-offs. Connections are keyed by
 * scheme, host and port. TLS verifies the certificate chain and the host name. An idle
 * connection is reused for at most {@link #DEFAULT_MAX_IDLE} after its last use (providers close
 * idle connections themselves, and a request must not meet a half-closed one), is closed by a
 * sweep of each event loop's pool (every half of that time) once it has been idle longer, so a
 * burst of traffic leaves no connections behind, and is dropped at once when the upstream
 * closes it.
 *
 * <p>Every method must be called on the event loop passed in.
 */
public final class UpstreamPool {
    public static final Duration DEFAULT_MAX_IDLE = Duration.ofSeconds(4);
    public static final int MAX_IDLE_PER_KEY = 256;

    static final AttributeKey<String> POOL_KEY = AttributeKey.valueOf("brokle.upstream.poolKey");
    static final AttributeKey<Long> IDLE_SINCE = AttributeKey.valueOf("brokle.upstream.idleSince");

    private final Transport transport;
    private final SslContext ssl;
    /** Non-blocking DNS with a TTL-respecting cache: the JDK's lookup would block the event loop. */
    private final DnsAddressResolverGroup resolver;
    private final int maxResponseHeaderBytes;
    private final long maxIdleNanos;
    private final FastThreadLocal<Map<String, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };
    private final FastThreadLocal<Boolean> sweeping = new FastThreadLocal<>();

    public UpstreamPool(Transport transport, int maxResponseHeaderBytes, Duration maxIdle) {
        this.transport = transport;
        this.maxResponseHeaderBytes = maxResponseHeaderBytes;
        this.maxIdleNanos = maxIdle.toNanos();
        this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
                .datagramChannelType(transport.datagramChannel())
                .socketChannelType(transport.clientChannel()));
        try {
            this.ssl = SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the TLS client context", e);
        }
    }

    /**
     * A connection to {@code target}, reused when one is idle, else new; TLS handshakes are done
     * before the future completes.
     */
    public Future<Channel> acquire(EventLoop loop, UpstreamTarget target) {
        Promise<Channel> promise = loop.newPromise();
        ArrayDeque<Channel> idleChannels = idle.get().get(target.poolKey());
        long now = System.nanoTime();
        while (idleChannels != null && !idleChannels.isEmpty()) {
            Channel ch = idleChannels.pollLast();
            Long since = ch.attr(IDLE_SINCE).getAndSet(null);
            if (ch.isActive() && since != null && now - since < maxIdleNanos) {
                return promise.setSuccess(ch);
            }
            ch.close();
        }
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(transport.clientChannel())
                .resolver(resolver)
                .option(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, target.timeouts().connect().toMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (target.tls()) {
                            ch.pipeline().addLast("tls", ssl.newHandler(ch.alloc(), target.host(), target.port()));
                        }
                        ch.pipeline().addLast("http", new HttpClientCodec(4096, maxResponseHeaderBytes, 64 * 1024));
                        ch.pipeline().addLast(UpstreamResponseHandler.NAME, new UpstreamResponseHandler(UpstreamPool.this));
                    }
                });
        ChannelFuture connect = b.connect(target.host(), target.port());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            Channel ch = connect.channel();
            ch.attr(POOL_KEY).set(target.poolKey());
            SslHandler tls = ch.pipeline().get(SslHandler.class);
            if (tls == null) {
                promise.trySuccess(ch);
            } else {
                tls.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        promise.trySuccess(ch);
                    } else {
                        ch.close();
                        promise.tryFailure(h.cause());
                    }
                });
            }
        });
        return promise;
    }

    /** Returns a connection whose last response ended cleanly; anything else must be closed instead. */
    public void release(Channel ch) {
        String key = ch.attr(POOL_KEY).get();
        if (!ch.isActive() || key == null) {
            ch.close();
            return;
        }
        if (sweeping.get() == null) {
            sweeping.set(Boolean.TRUE);
            long every = Math.max(1, maxIdleNanos / 2);
            ch.eventLoop().scheduleAtFixedRate(this::closeExpired, every, every, TimeUnit.NANOSECONDS);
        }
        ArrayDeque<Channel> idleChannels = idle.get().computeIfAbsent(key, k -> new ArrayDeque<>());
        if (idleChannels.size() >= MAX_IDLE_PER_KEY) {
            ch.close();
            return;
        }
        ch.config().setAutoRead(true);
        ch.attr(IDLE_SINCE).set(System.nanoTime());
        idleChannels.addLast(ch);
    }

    /** Closes this event loop's connections idle for longer than they may be reused; the oldest are at the head. */
    private void closeExpired() {
        long now = System.nanoTime();
        for (ArrayDeque<Channel> idleChannels : idle.get().values()) {
            while (!idleChannels.isEmpty()) {
                Long since = idleChannels.peekFirst().attr(IDLE_SINCE).get();
                if (since != null && now - since < maxIdleNanos) {
                    break;
                }
                Channel expired = idleChannels.pollFirst();
                expired.attr(IDLE_SINCE).set(null);
                expired.close();
            }
        }
    }

    /** Forgets a pooled connection the upstream closed. */
    void closed(Channel ch) {
        String key = ch.attr(POOL_KEY).get();
        if (key != null && ch.attr(IDLE_SINCE).get() != null) {
            ArrayDeque<Channel> idleChannels = idle.get().get(key);
            if (idleChannels != null) {
                idleChannels.remove(ch);
            }
        }
    }
}
