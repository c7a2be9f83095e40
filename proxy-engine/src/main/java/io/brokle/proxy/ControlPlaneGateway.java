package io.brokle.proxy;

import io.brokle.config.GatewayConfig;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.ServerSettings;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.snapshot.ControlPlaneSnapshotSource;
import io.brokle.proxy.snapshot.EncryptedSnapshotFile;
import io.brokle.proxy.snapshot.RedisSnapshotWakeup;
import io.brokle.proxy.snapshot.SnapshotHolder;
import java.net.URI;
import java.time.Duration;

/**
 * A proxy that serves one environment of a control plane: the {@link ControlPlaneSnapshotSource}
 * (long poll, last good snapshot in an {@link EncryptedSnapshotFile} under the data directory),
 * an optional {@link RedisSnapshotWakeup}, and the {@link ProxyServer}. What
 * {@code brokle-proxy --control-plane URL --environment ID} runs.
 */
public final class ControlPlaneGateway implements AutoCloseable {
    private final ProxyServer server;
    private final SnapshotHolder holder;
    private final GatewayMetrics metrics;
    private final ControlPlaneSnapshotSource source;
    private final RedisSnapshotWakeup redis;
    private final ServerSettings settings;

    private ControlPlaneGateway(ProxyServer server, SnapshotHolder holder, GatewayMetrics metrics,
                                ControlPlaneSnapshotSource source, RedisSnapshotWakeup redis, ServerSettings settings) {
        this.server = server;
        this.holder = holder;
        this.metrics = metrics;
        this.source = source;
        this.redis = redis;
        this.settings = settings;
    }

    /**
     * Takes the first snapshot (from the control plane, else the stored one), starts serving it,
     * then follows the control plane.
     *
     * @param keyPepper    the control plane's key pepper
     * @param snapshotKey  {@value EncryptedSnapshotFile#KEY_VARIABLE}, or null to derive the file key from the node token
     * @param redisUrl     null for no Redis notifications
     * @param threads      event loop threads; 0 for the default
     * @throws IllegalStateException when there is no snapshot to start with
     */
    public static ControlPlaneGateway start(ServerSettings server, String keyPepper, ControlPlaneSnapshotSource.Settings control,
                                            String snapshotKey, URI redisUrl, String redisChannel, int threads)
            throws InterruptedException {
        KeyHasher hasher = new KeyHasher(keyPepper);
        GatewayMetrics metrics = new GatewayMetrics();
        EncryptedSnapshotFile file = new EncryptedSnapshotFile(
                EncryptedSnapshotFile.fileFor(server.dataDir(), control.environmentId()), control.environmentId(),
                EncryptedSnapshotFile.key(snapshotKey, control.nodeToken()));
        ControlPlaneSnapshotSource source = new ControlPlaneSnapshotSource(control, file, metrics);
        GatewaySnapshot first;
        try {
            first = source.initial();
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        SnapshotHolder holder = new SnapshotHolder(first);
        ProxyServer proxy = ProxyServer.start(new GatewayConfig(server, keyPepper, first), holder, metrics, hasher, threads);
        source.start(holder);
        RedisSnapshotWakeup redis = redisUrl == null ? null : RedisSnapshotWakeup.forSource(redisUrl,
                redisChannel == null || redisChannel.isBlank() ? RedisSnapshotWakeup.DEFAULT_CHANNEL : redisChannel,
                control.environmentId(), source);
        return new ControlPlaneGateway(proxy, holder, metrics, source, redis, server);
    }

    public ProxyServer server() {
        return server;
    }

    public SnapshotHolder holder() {
        return holder;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public ControlPlaneSnapshotSource source() {
        return source;
    }

    /** Whether the Redis subscription is live (false without Redis). */
    public boolean redisSubscribed() {
        return redis != null && redis.subscribed();
    }

    /** Stops following the control plane, then stops serving within {@code grace}. */
    public void stop(Duration grace) {
        if (redis != null) {
            redis.close();
        }
        source.close();
        server.stop(grace);
    }

    @Override
    public void close() {
        stop(settings.shutdownGrace());
    }
}
