package io.brokle.proxy.snapshot;

import io.brokle.config.ConfigException;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.SnapshotJson;
import io.brokle.proxy.metrics.GatewayMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a proxy's snapshot in step with the control plane: long-polls
 * {@code GET /internal/v1/snapshots/{environment}?after={version}&waitSeconds={n}} (a request the
 * control plane answers as soon as a newer version exists), validates each new snapshot, swaps
 * it in through the {@link SnapshotHolder} and stores it in the {@link EncryptedSnapshotFile}.
 *
 * <p>It runs on its own thread with the JDK's HTTP client, never on an event loop. When the
 * control plane is down or answers with an error it keeps serving what it has and retries with
 * an exponential backoff ({@link #MIN_BACKOFF} doubling to {@link #MAX_BACKOFF}, with jitter).
 * {@link #wake()} (called on a Redis notification) cuts a wait short so the next poll starts at
 * once. At start, {@link #initial()} takes the control plane's snapshot, or the stored one
 * when the control plane cannot be reached.
 */
public final class ControlPlaneSnapshotSource implements AutoCloseable {
    public static final String NODE_TOKEN_VARIABLE = "BROKLE_NODE_TOKEN";
    public static final String VERSION_HEADER = "Brokle-Snapshot-Version";
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    public static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    /** How long {@link #initial()} tries the control plane before it falls back to the stored snapshot. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneSnapshotSource.class);

    /**
     * @param controlPlane  the control plane's base URL, e.g. {@code http://control:8081}
     * @param environmentId the environment whose snapshot this proxy serves
     * @param nodeToken     sent as {@code Authorization: Bearer}; never logged
     * @param pollWait      how long one poll may wait for a change (at most 60 s)
     */
    public record Settings(URI controlPlane, String environmentId, String nodeToken, Duration pollWait) {
        public Settings {
            Objects.requireNonNull(controlPlane, "controlPlane");
            Objects.requireNonNull(environmentId, "environmentId");
            if (nodeToken == null || nodeToken.length() < 16) {
                throw new IllegalArgumentException("node token: too short (expected: at least 16 characters, "
                        + NODE_TOKEN_VARIABLE + ")");
            }
            if (pollWait.isNegative() || pollWait.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("pollWait: " + pollWait + " (expected: 0 to 60 seconds)");
            }
        }

        @Override
        public String toString() {
            return "Settings[controlPlane=" + controlPlane + ", environmentId=" + environmentId
                    + ", nodeToken=(redacted), pollWait=" + pollWait + "]";
        }
    }

    private final Settings settings;
    private final EncryptedSnapshotFile file;
    private final GatewayMetrics metrics;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final Object signal = new Object();
    private volatile long version = -1;
    private volatile CompletableFuture<HttpResponse<byte[]>> inFlight;
    private volatile boolean woken;
    private volatile boolean closed;
    private Thread thread;

    public ControlPlaneSnapshotSource(Settings settings, EncryptedSnapshotFile file, GatewayMetrics metrics) {
        this.settings = settings;
        this.file = file;
        this.metrics = metrics;
    }

    /** The control plane's version of the snapshot being served; -1 before the first. */
    public long controlVersion() {
        return version;
    }

    /**
     * The snapshot to start with: the control plane's current one, else the stored last good one.
     *
     * @throws IllegalStateException when neither is available
     */
    public GatewaySnapshot initial() {
        String reason;
        try {
            HttpResponse<byte[]> response = http.send(request(-1, 0, START_TIMEOUT), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 200) {
                GatewaySnapshot snapshot = SnapshotJson.decode(response.body());
                version = snapshot.version();
                persist(snapshot);
                LOG.info("serving environment {} at control-plane version {}", settings.environmentId(), version);
                return snapshot;
            }
            reason = describe(response.statusCode());
        } catch (IOException | ConfigException e) {
            reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching the first snapshot", e);
        }
        Optional<GatewaySnapshot> stored;
        try {
            stored = file.read();
        } catch (ConfigException e) {
            throw new IllegalStateException("the control plane at " + settings.controlPlane() + " gave no snapshot ("
                    + reason + ") and the stored snapshot cannot be used: " + e.getMessage());
        }
        if (stored.isEmpty()) {
            throw new IllegalStateException("the control plane at " + settings.controlPlane() + " gave no snapshot ("
                    + reason + ") and there is no stored snapshot in " + file.path());
        }
        version = stored.get().version();
        LOG.warn("the control plane at {} gave no snapshot ({}); serving the stored snapshot of environment {} "
                + "(control-plane version {}) until it can", settings.controlPlane(), reason, settings.environmentId(), version);
        return stored.get();
    }

    /** Starts long-polling in the background, applying new snapshots to {@code holder}. */
    public synchronized void start(SnapshotHolder holder) {
        thread = new Thread(() -> pollLoop(holder), "brokle-control-poll");
        thread.setDaemon(true);
        thread.start();
    }

    /** Ends the current wait (long poll or backoff) so the next poll starts now. */
    public void wake() {
        woken = true;
        CompletableFuture<HttpResponse<byte[]>> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void pollLoop(SnapshotHolder holder) {
        Duration backoff = MIN_BACKOFF;
        boolean down = false;
        while (!closed) {
            woken = false;
            String problem;
            try {
                CompletableFuture<HttpResponse<byte[]>> f = http.sendAsync(
                        request(version, settings.pollWait().toSeconds(), settings.pollWait().plusSeconds(10)),
                        HttpResponse.BodyHandlers.ofByteArray());
                inFlight = f;
                if (woken) {
                    f.cancel(true);
                }
                HttpResponse<byte[]> response = f.get();
                inFlight = null;
                int status = response.statusCode();
                if (status == 200 && response.body().length == 0) {
                    // What a server that is shutting down may answer to a waiting request.
                    problem = "an empty answer";
                } else if (status == 200) {
                    apply(holder, response);
                    problem = null;
                } else if (status == 204) {
                    problem = null;
                } else {
                    problem = describe(status);
                }
            } catch (CancellationException e) {
                continue;
            } catch (ExecutionException e) {
                if (closed) {
                    return;
                }
                if (woken) {
                    // The cancellation can also surface as the exchange's failure.
                    continue;
                }
                Throwable cause = e.getCause();
                problem = cause instanceof HttpTimeoutException ? "timed out"
                        : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            } catch (InterruptedException e) {
                return;
            }
            if (problem == null) {
                if (down) {
                    LOG.info("control plane at {} reachable again", settings.controlPlane());
                }
                down = false;
                backoff = MIN_BACKOFF;
                continue;
            }
            if (!down) {
                LOG.warn("cannot poll the control plane at {} ({}); still serving control-plane version {}, retrying",
                        settings.controlPlane(), problem, version);
            }
            down = true;
            pause(backoff);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private static String describe(int status) {
        return switch (status) {
            case 401 -> "HTTP 401: the node token was refused (" + NODE_TOKEN_VARIABLE + ")";
            case 404 -> "HTTP 404: no such environment";
            default -> "HTTP " + status;
        };
    }

    private void apply(SnapshotHolder holder, HttpResponse<byte[]> response) {
        GatewaySnapshot snapshot;
        try {
            snapshot = SnapshotJson.decode(response.body());
        } catch (ConfigException e) {
            // Not asked for again until a newer version exists: the control plane's version header says which one this was.
            response.headers().firstValueAsLong(VERSION_HEADER).ifPresent(v -> version = v);
            metrics.configRejected();
            LOG.error("snapshot of environment {} rejected, still serving control-plane version {}: {}",
                    settings.environmentId(), version, e.getMessage());
            return;
        }
        if (snapshot.version() <= version) {
            return;
        }
        GatewaySnapshot applied = holder.apply(snapshot);
        metrics.configApplied(applied.version());
        persist(snapshot);
        version = snapshot.version();
        LOG.info("environment {}: control-plane version {} applied as configuration version {} ({} routes, {} keys)",
                settings.environmentId(), version, applied.version(), applied.distinctRoutes().size(), applied.keysByHash().size());
    }

    private void persist(GatewaySnapshot snapshot) {
        try {
            file.write(snapshot);
        } catch (RuntimeException e) {
            LOG.warn("cannot store the last good snapshot in {}: {}", file.path(), e.getMessage());
        }
    }

    private void pause(Duration backoff) {
        long millis = backoff.toMillis() / 2 + ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2 + 1);
        synchronized (signal) {
            if (woken || closed) {
                return;
            }
            try {
                signal.wait(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private HttpRequest request(long after, long waitSeconds, Duration timeout) {
        String base = settings.controlPlane().toString().replaceAll("/+$", "");
        return HttpRequest.newBuilder(URI.create(base + "/internal/v1/snapshots/" + settings.environmentId()
                        + "?after=" + after + "&waitSeconds=" + waitSeconds))
                .header("Authorization", "Bearer " + settings.nodeToken())
                .timeout(timeout)
                .GET().build();
    }

    @Override
    public void close() {
        closed = true;
        wake();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.interrupt();
        }
        http.close();
    }
}
