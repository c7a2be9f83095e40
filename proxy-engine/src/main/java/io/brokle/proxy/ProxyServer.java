package io.brokle.proxy;

import io.brokle.config.CostCalculator;
import io.brokle.config.GatewayConfig;
import io.brokle.config.ServerSettings;
import io.brokle.proxy.http.AuthHandler;
import io.brokle.proxy.http.GatewayState;
import io.brokle.proxy.http.OverloadMonitor;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.netty.Transport;
import io.brokle.proxy.route.Backoff;
import io.brokle.proxy.route.DeploymentHealth;
import io.brokle.proxy.route.RouteSelector;
import io.brokle.proxy.snapshot.SnapshotHolder;
import io.brokle.proxy.upstream.MockUpstreams;
import io.brokle.proxy.upstream.UpstreamPool;
import io.brokle.proxy.upstream.Upstreams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane's server: binds, serves the {@link SnapshotHolder}'s current snapshot, and
 * stops gracefully (stop accepting, let in-flight requests finish up to the grace period, then
 * close what is left). Upstream connections share the server's event loops.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ServerSettings settings;
    private final GatewayState state;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final MockUpstreams mocks;
    private final ChannelGroup clients = new DefaultChannelGroup("brokle-clients", GlobalEventExecutor.INSTANCE);
    private final Transport transport;
    private Channel serverChannel;
    private DeploymentHealth health;

    private ProxyServer(ServerSettings settings, GatewayState state, Transport transport, int workerThreads) {
        this.settings = settings;
        this.state = state;
        this.transport = transport;
        this.boss = transport.newGroup(1, "brokle-accept");
        this.workers = transport.newGroup(workerThreads, "brokle-io");
        this.mocks = new MockUpstreams(workers, transport);
    }

    /**
     * Starts serving {@code config} from {@code holder}.
     *
     * @param workerThreads event loops; 0 for one per core
     */
    public static ProxyServer start(GatewayConfig config, SnapshotHolder holder, GatewayMetrics metrics,
                                    KeyHasher hasher, int workerThreads) throws InterruptedException {
        Transport transport = Transport.detect();
        int threads = workerThreads > 0 ? workerThreads : Runtime.getRuntime().availableProcessors();
        ProxyServer server = new ProxyServer(config.server(), new GatewayState(holder, metrics, OverloadMonitor.of(config.server().maxInFlight())), transport, threads);
        server.bind(holder, hasher);
        return server;
    }

    private void bind(SnapshotHolder holder, KeyHasher hasher) throws InterruptedException {
        mocks.prepare(holder.current());
        holder.onApply(mocks::prepare);
        state.metrics().configApplied(holder.current().version());
        UpstreamPool pool = new UpstreamPool(transport, 64 * 1024, UpstreamPool.DEFAULT_MAX_IDLE);
        health = new DeploymentHealth(System::nanoTime);
        CostCalculator costs = CostCalculator.shipped();
        RouteSelector routes = new RouteSelector(n -> ThreadLocalRandom.current().nextInt(n), health, costs,
                () -> LocalDate.now(ZoneOffset.UTC));
        Backoff backoff = new Backoff(Backoff.DEFAULT_INITIAL, Backoff.DEFAULT_MAX, Backoff.DEFAULT_JITTER,
                () -> ThreadLocalRandom.current().nextDouble());
        Upstreams upstreams = new Upstreams(pool, mocks, routes, health, backoff, state.metrics(), costs);
        AuthHandler auth = new AuthHandler(state, hasher, Clock.systemUTC());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, Transport.ALLOCATOR)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new TrackingInitializer(new GatewayInitializer(settings, state, upstreams, auth),
                        clients));
        serverChannel = b.bind(settings.host(), settings.port()).sync().channel();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public int port() {
        return address().getPort();
    }

    public String transportName() {
        return transport.name();
    }

    /** Each deployment's breaker, cool-down and latency, as the router sees them. */
    public DeploymentHealth deploymentHealth() {
        return health;
    }

    public GatewayState state() {
        return state;
    }

    /**
     * Stops accepting, waits up to {@code grace} for in-flight requests, then closes every
     * connection and releases the event loops.
     */
    public void stop(Duration grace) {
        state.startDraining();
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (state.metrics().activeRequests() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        long left = state.metrics().activeRequests();
        if (left > 0) {
            log.warn("shutdown grace of {} ended with {} requests still in flight; closing them", grace, left);
        }
        clients.close().awaitUninterruptibly();
        mocks.close();
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Override
    public void close() {
        stop(settings.shutdownGrace());
    }

    /** Remembers every accepted connection so a stop can close the ones still open. */
    private static final class TrackingInitializer extends io.netty.channel.ChannelInitializer<io.netty.channel.socket.SocketChannel> {
        private final GatewayInitializer gateway;
        private final ChannelGroup clients;

        TrackingInitializer(GatewayInitializer gateway, ChannelGroup clients) {
            this.gateway = gateway;
            this.clients = clients;
        }

        @Override
        protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
            clients.add(ch);
            ch.pipeline().addLast(gateway);
        }
    }
}
