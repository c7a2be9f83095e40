package io.brokle.proxy.upstream;

import io.brokle.config.CostCalculator;
import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.route.Backoff;
import io.brokle.proxy.route.DeploymentHealth;
import io.brokle.proxy.route.RouteSelector;

/** Everything a request needs to reach providers, built once per server and shared by every connection. */
public record Upstreams(UpstreamPool pool, MockUpstreams mocks, RouteSelector routes, DeploymentHealth health,
                        Backoff backoff, GatewayMetrics metrics, CostCalculator costs) {
}
