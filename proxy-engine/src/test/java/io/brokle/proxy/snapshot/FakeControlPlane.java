package io.brokle.proxy.snapshot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.SnapshotJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The control plane's snapshot endpoint as the proxy sees it, with the same answers (200 with
 * the snapshot and {@code Brokle-Snapshot-Version}, 204 after the wait, 401 for a wrong token).
 * It can be told not to wake waiting polls on a change ({@link #wakeWaiters}), as a second
 * control-plane node that did not see the change would behave: only a new poll sees it then.
 */
final class FakeControlPlane implements AutoCloseable {
    static final String TOKEN = "fake-node-token-0123456789";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private volatile GatewaySnapshot current;
    private volatile boolean wakeWaiters = true;
    private volatile int failWith;

    FakeControlPlane(GatewaySnapshot initial) throws IOException {
        this.current = initial;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/internal/v1/snapshots/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<String> queries() {
        return queries;
    }

    void wakeWaiters(boolean wake) {
        this.wakeWaiters = wake;
    }

    /** Answers every request with this status from now on; 0 for normal answers. */
    void failWith(int status) {
        this.failWith = status;
    }

    synchronized void publish(GatewaySnapshot snapshot) {
        current = snapshot;
        if (wakeWaiters) {
            notifyAll();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            queries.add(exchange.getRequestURI().getQuery());
            if (failWith != 0) {
                exchange.sendResponseHeaders(failWith, -1);
                return;
            }
            if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            long after = -1;
            long waitSeconds = 0;
            for (String pair : exchange.getRequestURI().getQuery().split("&")) {
                String[] kv = pair.split("=");
                if (kv[0].equals("after")) {
                    after = Long.parseLong(kv[1]);
                } else if (kv[0].equals("waitSeconds")) {
                    waitSeconds = Long.parseLong(kv[1]);
                }
            }
            GatewaySnapshot answer = await(after, waitSeconds * 1000);
            if (answer == null) {
                exchange.getResponseHeaders().add("Brokle-Snapshot-Version", Long.toString(current.version()));
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            byte[] body = SnapshotJson.encode(answer);
            exchange.getResponseHeaders().add("Brokle-Snapshot-Version", Long.toString(answer.version()));
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private synchronized GatewaySnapshot await(long after, long waitMillis) {
        long deadline = System.currentTimeMillis() + waitMillis;
        while (current.version() <= after) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return null;
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return current;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
