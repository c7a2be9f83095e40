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
 * @param maxEjectionPercent at most this share of the route's deployments is kept out of
 *                    rotation by open circuit breakers (0 to 100); one deployment may always be
 *                    ejected. The others with open breakers keep taking requests, after the
 *                    healthy ones, so one provider's bad minute cannot empty a route.
 * @param aliases     other public names clients may send for this route (e.g. {@code gpt-4} for a
 *                    route {@code gpt-4o}); each unique among every route's names
 */
public record Route(String model, List<String> deployments, RoutingStrategy strategy, List<String> fallbacks,
                    int maxAttempts, int maxEjectionPercent, List<String> aliases) {
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final int MAX_ATTEMPTS_LIMIT = 10;
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 50;

    public Route {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(strategy, "strategy");
        deployments = List.copyOf(deployments);
        fallbacks = List.copyOf(fallbacks);
        aliases = List.copyOf(aliases);
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("route " + model + ": no deployments (expected: at least one)");
        }
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: 1.." + MAX_ATTEMPTS_LIMIT + ")");
        }
        if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
            throw new IllegalArgumentException("maxEjectionPercent: " + maxEjectionPercent + " (expected: 0..100)");
        }
    }

    /** A route without aliases. */
    public Route(String model, List<String> deployments, RoutingStrategy strategy, List<String> fallbacks,
                 int maxAttempts, int maxEjectionPercent) {
        this(model, deployments, strategy, fallbacks, maxAttempts, maxEjectionPercent, List.of());
    }

    /** A route with the default ejection limit and no aliases. */
    public Route(String model, List<String> deployments, RoutingStrategy strategy, List<String> fallbacks,
                 int maxAttempts) {
        this(model, deployments, strategy, fallbacks, maxAttempts, DEFAULT_MAX_EJECTION_PERCENT);
    }

    /** The route's name followed by its aliases: every public name it answers to. */
    public List<String> names() {
        List<String> names = new java.util.ArrayList<>(1 + aliases.size());
        names.add(model);
        names.addAll(aliases);
        return names;
    }

    /** How many of {@code size} deployments open breakers may keep out of rotation: at least one. */
    public int maxEjected(int size) {
        return Math.max(1, size * maxEjectionPercent / 100);
    }

    /** A weighted route without fallbacks and with the default attempts. */
    public Route(String model, List<String> deployments) {
        this(model, deployments, RoutingStrategy.WEIGHTED, List.of(), DEFAULT_MAX_ATTEMPTS);
    }
}
