package io.brokle.benchmarks.proxy;

import io.brokle.config.GatewaySnapshot;
import io.brokle.config.RoutingStrategy;
import io.brokle.config.VirtualKey;
import io.brokle.proxy.http.KeyHasher;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Authentication of a virtual key as the gateway does it per request: HMAC-SHA-256 of the secret
 * under the pepper ({@link KeyHasher}), then the snapshot's key map, against a plain map looked
 * up by the secret itself (what storing keys in clear would cost). 1,000 keys; the secret
 * changes on every call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthLookupBenchmark {
    static final int KEYS = 1000;

    KeyHasher hasher;
    GatewaySnapshot snapshot;
    Map<String, VirtualKey> plain;
    String[] secrets;
    int next;

    @Setup
    public void setUp() {
        hasher = new KeyHasher(Snapshots.PEPPER);
        snapshot = Snapshots.snapshot(RoutingStrategy.WEIGHTED, KEYS, hasher);
        secrets = new String[KEYS];
        plain = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            secrets[i] = Snapshots.secret(i);
            plain.put(secrets[i], snapshot.keyByHash(hasher.hash(secrets[i])).orElseThrow());
        }
    }

    private String nextSecret() {
        next = next + 1 == KEYS ? 0 : next + 1;
        return secrets[next];
    }

    @Benchmark
    public VirtualKey hashAndLookup() {
        return snapshot.keyByHash(hasher.hash(nextSecret())).orElse(null);
    }

    /** The baseline: a map keyed by the secret, no hashing. */
    @Benchmark
    public VirtualKey baselinePlainMapLookup() {
        return plain.get(nextSecret());
    }
}
