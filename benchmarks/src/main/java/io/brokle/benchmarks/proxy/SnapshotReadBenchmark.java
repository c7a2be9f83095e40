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

/** What every request pays to take the snapshot: {@link SnapshotHolder#current()} against a volatile read. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SnapshotReadBenchmark {
    SnapshotHolder holder;
    volatile GatewaySnapshot plain;

    @Setup
    public void setUp() {
        GatewaySnapshot s = Snapshots.snapshot(RoutingStrategy.WEIGHTED, 10, new KeyHasher(Snapshots.PEPPER));
        holder = new SnapshotHolder(s);
        plain = holder.current();
    }

    @Benchmark
    public GatewaySnapshot current() {
        return holder.current();
    }

    /** The baseline: a volatile read. */
    @Benchmark
    public GatewaySnapshot baselineVolatileRead() {
        return plain;
    }
}
