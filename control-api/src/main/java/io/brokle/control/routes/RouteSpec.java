package io.brokle.control.routes;

import java.util.List;

/**
 * A public model name and how it is served, as a route in the YAML file.
 *
 * @param model       the name clients send, unique in the environment
 * @param deployments deployment names, at least one, in order
 * @param strategy    {@code weighted} (null), {@code priority}, {@code least-latency},
 *                    {@code least-in-flight} or {@code lowest-cost}
 * @param fallbacks   other routes' model names to try after this one's deployments; null: none
 * @param maxAttempts 1 to 10; null: 3
 */
public record RouteSpec(String model, List<String> deployments, String strategy, List<String> fallbacks,
                        Integer maxAttempts) {
    public RouteSpec {
        deployments = deployments == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(deployments));
        fallbacks = fallbacks == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(fallbacks));
    }
}
