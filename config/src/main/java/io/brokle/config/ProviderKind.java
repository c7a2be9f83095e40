package io.brokle.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How the gateway talks to a provider. The YAML name is the lower-case form. */
public enum ProviderKind {
    /** Any OpenAI-compatible base URL (OpenAI, vLLM, Ollama, Groq, Together, Mistral, ...): {@code Authorization: Bearer}. */
    OPENAI("openai"),
    /** Azure OpenAI: {@code /openai/deployments/{model}/...?api-version=}, credentials in {@code api-key}. */
    AZURE("azure"),
    /**
     * Anthropic's Messages API ({@code /v1/messages}, {@code x-api-key}, {@code anthropic-version});
     * OpenAI-format requests are translated both ways.
     */
    ANTHROPIC("anthropic"),
    /**
     * Google's Gemini API ({@code /v1beta/models/{model}:generateContent}, {@code x-goog-api-key});
     * OpenAI-format requests are translated both ways.
     */
    GEMINI("gemini"),
    /**
     * AWS Bedrock's Converse API ({@code /model/{modelId}/converse}, Signature Version 4 with the
     * provider's {@link AwsSigning}); OpenAI-format requests are translated both ways.
     */
    BEDROCK("bedrock"),
    /** The built-in deterministic provider for dry runs and load tests; needs no network or key. */
    MOCK("mock"),
    /**
     * Cohere's v2 API ({@code /v2/chat}, {@code /v2/embed}, {@code Authorization: Bearer});
     * OpenAI-format chat and embeddings requests are translated both ways.
     */
    COHERE("cohere");

    private final String yamlName;

    ProviderKind(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<ProviderKind> fromYaml(String name) {
        return Arrays.stream(values()).filter(k -> k.yamlName.equals(name.toLowerCase(Locale.ROOT))).findFirst();
    }

    public static String allYamlNames() {
        return Arrays.stream(values()).map(ProviderKind::yamlName).collect(Collectors.joining(", "));
    }
}
