package io.brokle.config;

import java.net.URI;
import java.util.Objects;

/**
 * A provider endpoint the gateway may call.
 *
 * @param name       unique name, referenced by deployments
 * @param kind       wire protocol and auth style
 * @param baseUrl    for {@code openai}: the URL that {@code /chat/completions} is appended to
 *                   (e.g. {@code https://api.openai.com/v1}); for {@code azure}: the resource URL;
 *                   {@code null} for {@code mock}
 * @param apiKey     the credential sent upstream, or {@code null} when the provider needs none
 *                   (vLLM, Ollama). Never logged: {@link #toString()} redacts it.
 * @param apiVersion Azure's {@code api-version} query parameter, or Anthropic's {@code anthropic-version}
 *                   header ({@code null}: {@value #DEFAULT_ANTHROPIC_VERSION}); {@code null} for other kinds
 * @param enabled    false when the configured credential resolved to an empty value (its
 *                   environment variable is not set): its deployments are not used
 * @param timeouts   upstream time limits
 * @param mock       answers of the {@code mock} kind; {@code null} for other kinds
 * @param priceFamily the {@link PriceTable} family its deployments are priced from, e.g.
 *                   {@code anthropic} (set in the file or by its {@link ProviderPreset}); {@code null}:
 *                   worked out from the kind and base URL by {@link PriceTable#familyOf(Provider)}
 * @param aws        region and credentials of a {@code bedrock} provider (required for it);
 *                   {@code null} for other kinds
 */
public record Provider(String name, ProviderKind kind, URI baseUrl, String apiKey, String apiVersion,
                       boolean enabled, UpstreamTimeouts timeouts, MockOptions mock, String priceFamily,
                       AwsSigning aws) {
    public static final String DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

    public Provider {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(timeouts, "timeouts");
        if (kind == ProviderKind.MOCK) {
            Objects.requireNonNull(mock, "mock options");
        } else {
            Objects.requireNonNull(baseUrl, "baseUrl");
        }
        if (kind == ProviderKind.BEDROCK) {
            Objects.requireNonNull(aws, "aws (region and credentials of a bedrock provider)");
        }
        if (priceFamily != null && !PriceTable.isFamilyName(priceFamily)) {
            throw new IllegalArgumentException("priceFamily: \"" + priceFamily + "\" (expected: "
                    + PriceTable.FAMILY_NAME_RULE + ")");
        }
    }

    /** A provider of any kind but {@code bedrock}. */
    public Provider(String name, ProviderKind kind, URI baseUrl, String apiKey, String apiVersion,
                    boolean enabled, UpstreamTimeouts timeouts, MockOptions mock, String priceFamily) {
        this(name, kind, baseUrl, apiKey, apiVersion, enabled, timeouts, mock, priceFamily, null);
    }

    /** A provider whose price family is worked out from its kind and base URL. */
    public Provider(String name, ProviderKind kind, URI baseUrl, String apiKey, String apiVersion,
                    boolean enabled, UpstreamTimeouts timeouts, MockOptions mock) {
        this(name, kind, baseUrl, apiKey, apiVersion, enabled, timeouts, mock, null, null);
    }

    @Override
    public String toString() {
        return "Provider[name=" + name + ", kind=" + kind.yamlName() + ", baseUrl=" + baseUrl
                + ", apiKey=" + (apiKey == null ? "none" : "(redacted)") + ", apiVersion=" + apiVersion
                + ", enabled=" + enabled + ", timeouts=" + timeouts + ", mock=" + mock
                + ", priceFamily=" + priceFamily + (aws == null ? "" : ", aws=" + aws) + "]";
    }
}
