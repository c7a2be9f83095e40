package io.brokle.control.routes;

import io.brokle.config.Price;
import io.brokle.config.UpstreamTimeouts;

/**
 * One model at one provider of the environment, as a deployment in the YAML file.
 *
 * @param name     unique in the environment, referenced by routes
 * @param provider the provider's name in the environment
 * @param model    the model name the provider expects
 * @param weight   0 to 1,000,000; 0 parks it; null: 1
 * @param price    a price override (USD per 1M tokens); null: the price table
 * @param timeouts time limits overriding the provider's; null: the provider's
 */
public record DeploymentSpec(String name, String provider, String model, Integer weight, Price price,
                             UpstreamTimeouts timeouts) {
}
