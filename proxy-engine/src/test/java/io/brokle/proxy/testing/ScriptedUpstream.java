package io.brokle.proxy.testing;

import io.brokle.config.MockOptions;
import io.brokle.proxy.mock.MockCompletions;
import io.brokle.proxy.mock.MockEndpoints;
import io.brokle.proxy.mock.MockProviderServer;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A misbehaving OpenAI-compatible upstream for end-to-end tests of the gateway: a real HTTP/1.1
 * server on {@code 127.0.0.1:<free port>} that answers like the mock provider (same
 * {@link MockEndpoints}, same deterministic content) unless told otherwise. Each request takes
 * the next {@link Behaviour} from a queue ({@link #enqueue}); when the queue is empty the default
 * applies ({@link #setDefault}, initially {@link Behaviour#normal()}).
 * <pre>
 *   try (ScriptedUpstream upstream = ScriptedUpstream.start()) {
 *       upstream.enqueue(Behaviour.dropAfterChunks(3));
 *       ... point the gateway at upstream.baseUrl() and send a streamed request ...
 *       assertTrue(upstream.awaitConnectionClosed(Duration.ofSeconds(1)));
 *   }
 * </pre>
 * It records every request ({@link #requests()}, {@link #takeRequest}) and counts connections
 * accepted, open and closed, so a test can prove the gateway cancelled an upstream request.
 *
 * <p>Owns a one-thread event loop group, its server channel and every accepted connection;
 * {@link #close()} ends them all. Thread-safe.
 */
public final class ScriptedUpstream extends MockUpstream<Behaviour> {
    private final MockOptions options;
    private final MockEndpoints endpoints;
    private volatile Behaviour fallback = Behaviour.normal();
    private final Object connectionsLock = new Object();
    private int accepted;
    private int closed;

    private ScriptedUpstream(MockOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.endpoints = new MockEndpoints(new MockCompletions(options));
    }

    /** Starts with {@link MockOptions#DEFAULTS}: no latency, no delay between chunks. */
    public static ScriptedUpstream start() {
        return start(MockOptions.DEFAULTS);
    }

    /** Starts with {@code options} for normal answers (latency, chunk delay, chunk count and size). */
    public static ScriptedUpstream start(MockOptions options) {
        ScriptedUpstream upstream = new ScriptedUpstream(options);
        upstream.listen("scripted-upstream", MockProviderServer.MAX_REQUEST_BYTES,
                () -> new ScriptedHandler(upstream), upstream::connectionOpened);
        return upstream;
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    @Override
    public String baseUrl() {
        return super.baseUrl() + "/v1";
    }

    public MockOptions options() {
        return options;
    }

    /** Queues {@code behaviour} for the next request that finds the queue non-empty. */
    public void enqueue(Behaviour behaviour) {
        script(Objects.requireNonNull(behaviour, "behaviour"));
    }

    /** What requests get when the queue is empty. */
    public void setDefault(Behaviour behaviour) {
        fallback = Objects.requireNonNull(behaviour, "behaviour");
    }

    public int connectionsAccepted() {
        synchronized (connectionsLock) {
            return accepted;
        }
    }

    public int openConnections() {
        synchronized (connectionsLock) {
            return accepted - closed;
        }
    }

    public int connectionsClosed() {
        synchronized (connectionsLock) {
            return closed;
        }
    }

    /** Waits until at least one connection has closed since start; false on timeout. */
    public boolean awaitConnectionClosed(Duration timeout) throws InterruptedException {
        return awaitConnectionsClosed(1, timeout);
    }

    /** Waits until at least {@code count} connections have closed since start; false on timeout. */
    public boolean awaitConnectionsClosed(int count, Duration timeout) throws InterruptedException {
        return awaitConnections(() -> closed >= count, timeout);
    }

    /** Waits until exactly {@code count} connections are open; false on timeout. */
    public boolean awaitOpenConnections(int count, Duration timeout) throws InterruptedException {
        return awaitConnections(() -> accepted - closed == count, timeout);
    }

    private boolean awaitConnections(BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (connectionsLock) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(connectionsLock, left);
            }
            return true;
        }
    }

    MockEndpoints endpoints() {
        return endpoints;
    }

    Behaviour nextBehaviour() {
        Behaviour next = nextScript();
        return next != null ? next : fallback;
    }

    private void connectionOpened(Channel channel) {
        synchronized (connectionsLock) {
            accepted++;
            connectionsLock.notifyAll();
        }
        channel.closeFuture().addListener(done -> {
            synchronized (connectionsLock) {
                closed++;
                connectionsLock.notifyAll();
            }
        });
    }
}
