package io.brokle.proxy.sse;

/**
 * Token counts an upstream reported for one answer.
 *
 * @param promptTokens     input tokens, cached ones included
 * @param completionTokens output tokens, reasoning included
 * @param cachedTokens     input tokens served from the provider's prompt cache
 * @param reasoningTokens  output tokens spent on hidden reasoning
 * @param cacheWriteTokens input tokens written to the provider's prompt cache (Anthropic), priced above input
 */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens,
                    long cacheWriteTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0, 0);

    public Usage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens) {
        this(promptTokens, completionTokens, cachedTokens, reasoningTokens, 0);
    }

    /** The same counts as the price calculator reads them. */
    public io.brokle.config.TokenUsage tokens() {
        return new io.brokle.config.TokenUsage(promptTokens, completionTokens, cachedTokens, cacheWriteTokens,
                reasoningTokens);
    }
}
