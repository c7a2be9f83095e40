package io.brokle.proxy.http;

import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.snapshot.SnapshotHolder;
import io.netty.util.AttributeKey;

/**
 * What every gateway handler shares: the snapshot being served, the metrics, the overload
 * limits, and whether the server is draining (answers then carry {@code Connection: close} and health reports 503).
 */
public final class GatewayState {
    /** When the current request arrived whole ({@link System#nanoTime()}). */
    public static final AttributeKey<Long> RECEIVED_AT = AttributeKey.valueOf("brokle.receivedAt");
    /** The gateway's id for the current request. */
    public static final AttributeKey<String> REQUEST_ID = AttributeKey.valueOf("brokle.requestId");

    private final SnapshotHolder snapshots;
    private final GatewayMetrics metrics;
    private final OverloadMonitor overload;
    private volatile boolean draining;

    public GatewayState(SnapshotHolder snapshots, GatewayMetrics metrics, OverloadMonitor overload) {
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.overload = overload;
    }

    /** State with the default overload limits. */
    public GatewayState(SnapshotHolder snapshots, GatewayMetrics metrics) {
        this(snapshots, metrics, OverloadMonitor.of(io.brokle.config.ServerSettings.DEFAULT_MAX_IN_FLIGHT));
    }

    public OverloadMonitor overload() {
        return overload;
    }

    public SnapshotHolder snapshots() {
        return snapshots;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public boolean draining() {
        return draining;
    }

    public void startDraining() {
        draining = true;
    }
}
