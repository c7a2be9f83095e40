package io.brokle.benchmarks.proxy;

import io.brokle.config.CostCalculator;
import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Route;
import io.brokle.config.RoutingStrategy;
import io.brokle.config.VirtualKey;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.route.DeploymentHealth;
import io.brokle.proxy.route.RouteSelector;
import java.time.LocalDate;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Route selection: {@link RouteSelector#plan} for a route of three deployments with a fallback
 * route, once per strategy, against a fixed choice (the route's first deployment, no ordering,
 * no health check).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouteSelectionBenchmark {
    static final LocalDate TODAY = LocalDate.of(2026, 11, 25);

    /** A snapshot whose route uses {@link #strategy}, and a selector with live health. */
    @State(Scope.Thread)
    public static class Strategies {
        @Param({"WEIGHTED", "PRIORITY", "LEAST_LATENCY", "LEAST_IN_FLIGHT", "LOWEST_COST"})
        public RoutingStrategy strategy;

        GatewaySnapshot snapshot;
        VirtualKey key;
        RouteSelector selector;

        @Setup
        public void setUp() {
            KeyHasher hasher = new KeyHasher(Snapshots.PEPPER);
            snapshot = Snapshots.snapshot(strategy, 1, hasher);
            key = snapshot.keyByHash(hasher.hash(Snapshots.secret(0))).orElseThrow();
            DeploymentHealth health = new DeploymentHealth(System::nanoTime);
            // Some history, so the latency and in-flight orders have something to sort.
            health.recordLatency("gpt-4o", 420_000_000L);
            health.recordLatency("gpt-4o-mini", 180_000_000L);
            health.recordLatency("gpt-4.1-mini", 250_000_000L);
            health.started("gpt-4o");
            health.started("gpt-4o");
            health.started("gpt-4.1-mini");
            selector = new RouteSelector(bound -> ThreadLocalRandom.current().nextInt(bound), health,
                    CostCalculator.shipped(), () -> TODAY);
        }
    }

    /** The same snapshot for the fixed choice; the strategy does not matter to it. */
    @State(Scope.Thread)
    public static class Fixed {
        GatewaySnapshot snapshot;

        @Setup
        public void setUp() {
            snapshot = Snapshots.snapshot(RoutingStrategy.PRIORITY, 1, new KeyHasher(Snapshots.PEPPER));
        }
    }

    @Benchmark
    public RouteSelector.Plan plan(Strategies s) {
        return s.selector.plan(s.snapshot, s.key, Snapshots.MODEL);
    }

    /** The baseline: the route's first deployment, as a gateway without routing would pick it. */
    @Benchmark
    public RouteSelector.Candidate baselineFixedChoice(Fixed f) {
        Route route = f.snapshot.routes().get(Snapshots.MODEL);
        Deployment d = f.snapshot.deployments().get(route.deployments().get(0));
        return new RouteSelector.Candidate(d, f.snapshot.providers().get(d.provider()), route);
    }
}
