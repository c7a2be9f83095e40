package io.brokle.benchmarks.proxy;

import io.brokle.config.GatewaySnapshot;
import io.brokle.config.RoutingStrategy;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.snapshot.SnapshotHolder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A configuration reload's swap: {@link SnapshotHolder#apply} (renumbering the candidate, telling
 * the listeners, publishing it) against a plain volatile write of the new snapshot. The
 * snapshots hold 1,000 keys. The read side is {@link SnapshotReadBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnapshotSwapBenchmark {
    SnapshotHolder holder;
    GatewaySnapshot a;
    GatewaySnapshot b;
    volatile GatewaySnapshot plain;
    boolean flip;

    @Setup
    public void setUp() {
        KeyHasher hasher = new KeyHasher(Snapshots.PEPPER);
        a = Snapshots.snapshot(RoutingStrategy.WEIGHTED, AuthLookupBenchmark.KEYS, hasher);
        b = Snapshots.snapshot(RoutingStrategy.PRIORITY, AuthLookupBenchmark.KEYS, hasher);
        holder = new SnapshotHolder(a);
        // The gateway registers a listener (metrics, pools); one that does nothing measures the holder.
        holder.onApply(s -> { });
        plain = a;
    }

    @Benchmark
    public GatewaySnapshot apply() {
        flip = !flip;
        return holder.apply(flip ? b : a);
    }

    /** The baseline: publishing the new snapshot with a volatile write, nothing else. */
    @Benchmark
    public GatewaySnapshot baselineVolatileWrite() {
        flip = !flip;
        GatewaySnapshot next = flip ? b : a;
        plain = next;
        return next;
    }
}
