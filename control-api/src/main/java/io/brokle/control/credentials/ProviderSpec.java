package io.brokle.control.credentials;

import io.brokle.config.MockOptions;
import io.brokle.config.UpstreamTimeouts;

/**
 * What a caller sets on a provider. The same rules as a provider in the YAML file apply
 * (see the README's configuration reference); {@link ProviderService} names the offending field.
 *
 * @param name        unique in the environment, referenced by deployments
 * @param kind        {@code openai}, {@code azure}, {@code anthropic} or {@code mock}
 * @param baseUrl     http(s) URL; required except for {@code mock}
 * @param credential  the API key. On create: null for none. On update: null keeps the stored one,
 *                    empty removes it. Never returned, logged or put in {@link #toString()}.
 * @param apiVersion  required for {@code azure}; optional for {@code anthropic}; not for others
 * @param enabled     false parks the provider
 * @param timeouts    null: the defaults
 * @param mock        {@code mock} only; null: the defaults
 * @param priceFamily null: worked out from kind and base URL
 */
public record ProviderSpec(String name, String kind, String baseUrl, String credential, String apiVersion,
                           boolean enabled, UpstreamTimeouts timeouts, MockOptions mock, String priceFamily) {
    @Override
    public String toString() {
        return "ProviderSpec[name=" + name + ", kind=" + kind + ", baseUrl=" + baseUrl + ", credential="
                + (credential == null ? "unchanged" : credential.isEmpty() ? "none" : "(redacted)") + ", apiVersion="
                + apiVersion + ", enabled=" + enabled + ", timeouts=" + timeouts + ", mock=" + mock
                + ", priceFamily=" + priceFamily + "]";
    }
}
