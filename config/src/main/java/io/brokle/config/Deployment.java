package io.brokle.config;

import java.util.Objects;

/**
 * One model at one provider.
 *
 * @param name     unique name, referenced by routes
 * @param provider the provider's name
 * @param model    the model name the provider expects (Azure: the deployment name)
 * @param weight   share of a route's traffic relative to the route's other deployments; 0 parks it
 */
public record Deployment(String name, String provider, String model, int weight) {
    public static final int DEFAULT_WEIGHT = 1;

    public Deployment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        if (weight < 0 || weight > 1_000_000) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0..1000000)");
        }
    }
}
