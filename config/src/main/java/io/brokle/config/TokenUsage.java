package io.brokle.config;

/**
 * The tokens of one request, as the upstream reported them (OpenAI's {@code usage} object and
 * its {@code *_tokens_details}). The prompt count includes the cached and cache-write tokens, and
 * the completion count includes the reasoning tokens; {@link CostCalculator} takes those parts
 * out before pricing the rest.
 *
 * @param promptTokens     all prompt tokens, cached and cache-write ones included
 * @param completionTokens all completion tokens, reasoning ones included
 * @param cachedTokens     prompt tokens read from the prompt cache
 * @param cacheWriteTokens prompt tokens written to the prompt cache
 * @param reasoningTokens  completion tokens spent on reasoning
 */
public record TokenUsage(long promptTokens, long completionTokens, long cachedTokens, long cacheWriteTokens,
                         long reasoningTokens) {
    public TokenUsage {
        nonNegative("promptTokens", promptTokens);
        nonNegative("completionTokens", completionTokens);
        nonNegative("cachedTokens", cachedTokens);
        nonNegative("cacheWriteTokens", cacheWriteTokens);
        nonNegative("reasoningTokens", reasoningTokens);
    }

    /** Usage without cache or reasoning tokens. */
    public static TokenUsage of(long promptTokens, long completionTokens) {
        return new TokenUsage(promptTokens, completionTokens, 0, 0, 0);
    }

    private static void nonNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: >= 0)");
        }
    }
}
