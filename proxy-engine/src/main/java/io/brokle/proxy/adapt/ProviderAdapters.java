package io.brokle.proxy.adapt;

import io.brokle.config.ProviderKind;

/** The adapter for each provider kind that needs translation. */
public final class ProviderAdapters {
    private static final ProviderAdapter ANTHROPIC = new AnthropicAdapter();
    private static final ProviderAdapter COHERE = new CohereAdapter();
    private static final ProviderAdapter GEMINI = new GeminiAdapter();
    private static final ProviderAdapter BEDROCK = new BedrockAdapter(java.time.Clock.systemUTC());

    private ProviderAdapters() {
    }

    /** The kind's adapter, or {@code null} when the provider speaks OpenAI's wire format and is relayed as is. */
    public static ProviderAdapter forKind(ProviderKind kind) {
        return switch (kind) {
            case OPENAI, AZURE, MOCK -> null;
            case ANTHROPIC -> ANTHROPIC;
            case COHERE -> COHERE;
            case GEMINI -> GEMINI;
            case BEDROCK -> BEDROCK;
        };
    }
}
