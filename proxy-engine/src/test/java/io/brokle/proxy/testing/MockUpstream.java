package io.brokle.proxy.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every mock upstream server shares: a {@link LoopbackHttpServer} on
 * {@code 127.0.0.1:<free port>}, the queue of scripted behaviours {@code S} that the next
 * requests take one each, and the record of every request received (all of them, and those not
 * yet taken by {@link #takeRequest}). The subclass speaks its provider's wire format in its
 * handler and says how to misbehave.
 *
 * <p>Owns the server, its event loop group and every accepted connection; {@link #close()} ends
 * them all. Thread-safe.
 *
 * @param <S> the subclass's scripted behaviour for one request
 */
public abstract class MockUpstream<S> implements AutoCloseable {
    private final Queue<S> script = new ConcurrentLinkedQueue<>();
    private final List<RecordedRequest> recorded = new ArrayList<>();
    private final BlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();
    private LoopbackHttpServer server;

    /** Starts serving: {@code handler} gives each connection its handler. Called once, by the subclass's start. */
    final void listen(String name, int maxRequestBytes, Supplier<ChannelHandler> handler) {
        listen(name, maxRequestBytes, handler, channel -> { });
    }

    /** As {@link #listen(String, int, Supplier)}, telling {@code onConnection} of every accepted connection. */
    final void listen(String name, int maxRequestBytes, Supplier<ChannelHandler> handler,
                      Consumer<Channel> onConnection) {
        server = new LoopbackHttpServer(name, maxRequestBytes, handler, onConnection);
    }

    public int port() {
        return server.port();
    }

    /** {@code http://127.0.0.1:PORT}, the form of the provider's base URL: clients append the API's paths. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Every request received so far, oldest first. */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** How many requests were received so far. */
    public int requestCount() {
        synchronized (recorded) {
            return recorded.size();
        }
    }

    /**
     * The oldest request not yet taken, waiting up to {@code timeout} for one to arrive; null if
     * none did. Independent of {@link #requests()}, which keeps everything.
     */
    public RecordedRequest takeRequest(Duration timeout) throws InterruptedException {
        return untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Closes the server, every connection, and the event loop; waits for all of it. */
    @Override
    public void close() {
        server.close();
    }

    /** Queues {@code behaviour} for the next request that finds the queue non-empty. */
    final void script(S behaviour) {
        script.add(behaviour);
    }

    /** The scripted behaviour the request being answered takes, or null when none is queued. */
    final S nextScript() {
        return script.poll();
    }

    /** Records a request received (called by the handler, on the server's event loop). */
    final void record(RecordedRequest request) {
        synchronized (recorded) {
            recorded.add(request);
        }
        untaken.add(request);
    }
}
