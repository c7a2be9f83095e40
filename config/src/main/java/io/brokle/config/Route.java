package io.brokle.config;

import java.util.List;
import java.util.Objects;

/**
 * A public model name that clients send, served by deployments.
 *
 * @param model       the name clients put in {@code "model"}
 * @param deployments names of the deployments that may serve it, at least one
 * @param strategy    how the deployments are ordered for each request
 * @param fallbacks   public model names of other routes to try, in order, once this route's
 *                    deployments failed (also on context-window and content-policy errors)
 * @param maxAttempts upstream attempts per request across this route and its fallbacks, at
 *                    least 1 (1 means no retry)
 */
public record Route(String model, List<String> deployments, RoutingStrategy strategy, List<String> fallbacks,
                    int maxAttempts) {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int MAX_ATTEMPTS_LIMIT = 10;

    public Route {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(strategy, "strategy");
        deployments = List.copyOf(deployments);
        fallbacks = List.copyOf(fallbacks);
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("route " + model + ": no deployments (expected: at least one)");
        }
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: 1.." + MAX_ATTEMPTS_LIMIT + ")");
        }
    }

    /** A weighted route without fallbacks and with the default attempts. */
    public Route(String model, List<String> deployments) {
        this(model, deployments, RoutingStrategy.WEIGHTED, List.of(), DEFAULT_MAX_ATTEMPTS);
    }
}
