package io.brokle.config;

import java.util.List;
import java.util.Objects;

/**
 * A public model name that clients send, served by weighted deployments.
 *
 * @param model       the name clients put in {@code "model"}
 * @param deployments names of the deployments that may serve it, at least one
 */
public record Route(String model, List<String> deployments) {
    public Route {
        Objects.requireNonNull(model, "model");
        deployments = List.copyOf(deployments);
        if (deployments.isEmpty()) {
            throw new IllegalArgumentException("route " + model + ": no deployments (expected: at least one)");
        }
    }
}
