package io.brokle.proxy.snapshot;

import io.brokle.config.ConfigException;
import io.brokle.config.GatewayConfig;
import io.brokle.config.SnapshotCodec;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.metrics.GatewayMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the proxy's YAML file and offers every changed, valid version to the
 * {@link SnapshotHolder}. It polls the file's content (cheap for a config file, and unlike
 * inotify it also works on network and container file systems and with editors that replace
 * the file). An invalid version is logged with every problem and counted; the old snapshot
 * keeps serving. Runs on its own thread, never on an event loop.
 */
public final class FileSnapshotSource implements AutoCloseable {
    public static final long DEFAULT_POLL_MILLIS = 500;
    private static final Logger log = LoggerFactory.getLogger(FileSnapshotSource.class);

    private final Path file;
    private final Function<String, String> env;
    private final SnapshotHolder holder;
    private final GatewayMetrics metrics;
    private final LocalState localState;
    private final KeyHasher hasher;
    private final GatewayConfig started;
    private final ScheduledExecutorService timer;
    private String lastText;

    public FileSnapshotSource(Path file, String loadedText, GatewayConfig started, Function<String, String> env,
                              SnapshotHolder holder, GatewayMetrics metrics, LocalState localState, KeyHasher hasher) {
        this.file = file;
        this.lastText = loadedText;
        this.started = started;
        this.env = env;
        this.holder = holder;
        this.metrics = metrics;
        this.localState = localState;
        this.hasher = hasher;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "brokle-config-watch");
            t.setDaemon(true);
            return t;
        });
    }

    public void start(long pollMillis) {
        timer.scheduleWithFixedDelay(this::check, pollMillis, pollMillis, TimeUnit.MILLISECONDS);
    }

    /** Reads the file once and applies it when it changed. Public for tests that drive it directly. */
    public synchronized void check() {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            if (!Objects.equals(lastText, null)) {
                log.warn("cannot read {} ({}); still serving configuration version {}", file, e.getMessage(),
                        holder.current().version());
                lastText = null;
            }
            return;
        }
        if (text.equals(lastText)) {
            return;
        }
        lastText = text;
        try {
            GatewayConfig candidate = SnapshotCodec.parse(text, env);
            if (!candidate.server().equals(started.server())) {
                log.warn("{}: server settings changed; they take effect at the next restart", file);
            }
            if (!Objects.equals(candidate.keyPepper(), started.keyPepper())) {
                log.warn("{}: auth.keyPepper changed; it takes effect at the next restart", file);
            }
            var applied = holder.apply(candidate.snapshot().withKeys(localState.localKeys(hasher)));
            metrics.configApplied(applied.version());
            log.info("{}: configuration version {} applied ({} routes, {} keys)", file, applied.version(),
                    applied.distinctRoutes().size(), applied.keysByHash().size());
        } catch (ConfigException e) {
            metrics.configRejected();
            log.error("{}: change rejected, still serving configuration version {}. {}", file,
                    holder.current().version(), e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
