package io.brokle.config;

import java.util.Objects;

/**
 * One model at one provider.
 *
 * @param name     unique name, referenced by routes
 * @param provider the provider's name
 * @param model    the model name the provider expects (Azure: the deployment name)
 * @param weight   share of a route's traffic relative to the route's other deployments; 0 parks it
 * @param price    this deployment's own price, used instead of the {@link PriceTable} on every day;
 *                 {@code null}: the table's price for the provider's family and {@code model}
 * @param timeouts this deployment's own time limits (fields it did not set come from its
 *                 provider); {@code null}: the provider's
 */
public record Deployment(String name, String provider, String model, int weight, Price price,
                         UpstreamTimeouts timeouts) {
    public static final int DEFAULT_WEIGHT = 1;

    public Deployment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        if (weight < 0 || weight > 1_000_000) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0..1000000)");
        }
    }

    /** A deployment with the provider's time limits. */
    public Deployment(String name, String provider, String model, int weight, Price price) {
        this(name, provider, model, weight, price, null);
    }

    /** A deployment priced by the {@link PriceTable}, with the provider's time limits. */
    public Deployment(String name, String provider, String model, int weight) {
        this(name, provider, model, weight, null, null);
    }

    /** The time limits that apply: this deployment's, else {@code provider}'s. */
    public UpstreamTimeouts timeoutsWith(Provider provider) {
        return timeouts != null ? timeouts : provider.timeouts();
    }
}
