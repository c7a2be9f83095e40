package io.brokle.config;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A known vendor behind a provider ({@code providers[].preset}): the kind it is spoken to with,
 * and the defaults it fills in when the file does not set them. An explicit {@code baseUrl} or
 * {@code priceFamily} wins over the preset. The auth header follows from the kind
 * ({@code Authorization: Bearer} for {@code openai}, {@code api-key} for {@code azure},
 * {@code x-api-key} for {@code anthropic}, {@code x-goog-api-key} for {@code gemini},
 * {@code Authorization: Bearer} for {@code cohere}).
 */
public enum ProviderPreset {
    OPENAI("openai", ProviderKind.OPENAI, "https://api.openai.com/v1", "OPENAI_API_KEY", "openai"),
    /** The base URL is the resource's own, so it is still required. */
    AZURE("azure", ProviderKind.AZURE, null, "AZURE_OPENAI_API_KEY", "azure"),
    /** {@code /v1/messages} is appended to the base URL. */
    ANTHROPIC("anthropic", ProviderKind.ANTHROPIC, "https://api.anthropic.com", "ANTHROPIC_API_KEY", "anthropic"),
    /** {@code /v1beta/models/{model}:generateContent} (and the other methods) is appended to the base URL. */
    GEMINI("gemini", ProviderKind.GEMINI, "https://generativelanguage.googleapis.com", "GEMINI_API_KEY", "google"),
    GROQ("groq", ProviderKind.OPENAI, "https://api.groq.com/openai/v1", "GROQ_API_KEY", "groq"),
    MISTRAL("mistral", ProviderKind.OPENAI, "https://api.mistral.ai/v1", "MISTRAL_API_KEY", "mistral"),
    TOGETHER("together", ProviderKind.OPENAI, "https://api.together.xyz/v1", "TOGETHER_API_KEY", null),
    DEEPSEEK("deepseek", ProviderKind.OPENAI, "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", "deepseek"),
    FIREWORKS("fireworks", ProviderKind.OPENAI, "https://api.fireworks.ai/inference/v1", "FIREWORKS_API_KEY", null),
    OPENROUTER("openrouter", ProviderKind.OPENAI, "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", null),
    XAI("xai", ProviderKind.OPENAI, "https://api.x.ai/v1", "XAI_API_KEY", null),
    /** A local server: needs no key. */
    OLLAMA("ollama", ProviderKind.OPENAI, "http://127.0.0.1:11434/v1", null, null),
    /** A local server: needs no key (unless started with {@code --api-key}). */
    VLLM("vllm", ProviderKind.OPENAI, "http://127.0.0.1:8000/v1", null, null),
    /** {@code /v2/chat} and {@code /v2/embed} are appended to the base URL. */
    COHERE("cohere", ProviderKind.COHERE, "https://api.cohere.com", "COHERE_API_KEY", "cohere");

    private final String yamlName;
    private final ProviderKind kind;
    private final URI baseUrl;
    private final String keyVariable;
    private final String priceFamily;

    ProviderPreset(String yamlName, ProviderKind kind, String baseUrl, String keyVariable, String priceFamily) {
        this.yamlName = yamlName;
        this.kind = kind;
        this.baseUrl = baseUrl == null ? null : URI.create(baseUrl);
        this.keyVariable = keyVariable;
        this.priceFamily = priceFamily;
    }

    public String yamlName() {
        return yamlName;
    }

    /** The only kind this preset may be used with. */
    public ProviderKind kind() {
        return kind;
    }

    /** The default {@code baseUrl}, or {@code null} when there is none (Azure: each resource has its own). */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Whether a provider with this preset must have an {@code apiKey} field. */
    public boolean needsKey() {
        return keyVariable != null;
    }

    /** The usual environment variable of the key, e.g. {@code GROQ_API_KEY}; {@code null} when none is needed. */
    public String keyVariable() {
        return keyVariable;
    }

    /**
     * The default {@code priceFamily}, a family of the shipped {@link PriceTable}; {@code null} when
     * the table has none for this vendor (the family is then worked out by {@link PriceTable#familyOf}).
     */
    public String priceFamily() {
        return priceFamily;
    }

    public static Optional<ProviderPreset> fromYaml(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.yamlName.equals(key)).findFirst();
    }

    public static String allYamlNames() {
        return Arrays.stream(values()).map(ProviderPreset::yamlName).collect(Collectors.joining(", "));
    }
}
