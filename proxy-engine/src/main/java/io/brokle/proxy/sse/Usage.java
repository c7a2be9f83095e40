package io.brokle.proxy.sse;

/**
 * Token counts an upstream reported for one answer.
 *
 * @param promptTokens     input tokens, cached ones included
 * @param completionTokens output tokens, reasoning included
 * @param cachedTokens     input tokens served from the provider's prompt cache
 * @param reasoningTokens  output tokens spent on hidden reasoning
 */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    /** The same counts as the price calculator reads them. */
    public io.brokle.config.TokenUsage tokens() {
        return new io.brokle.config.TokenUsage(promptTokens, completionTokens, cachedTokens, 0, reasoningTokens);
    }
}
