package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Token counts of one answer in Anthropic's terms, where the three kinds of input are disjoint,
 * with their OpenAI forms. OpenAI's {@code prompt_tokens} is their sum; its
 * {@code prompt_tokens_details.cached_tokens} is {@code cacheReadTokens}, and the tokens written
 * to the cache go in {@code prompt_tokens_details.cache_creation_tokens} (a field OpenAI does not
 * have: clients that do not know it ignore it).
 *
 * @param inputTokens         input tokens neither read from nor written to the prompt cache
 * @param outputTokens        output tokens, thinking included
 * @param cacheReadTokens     input tokens read from the prompt cache
 * @param cacheCreationTokens input tokens written to the prompt cache
 */
public record TokenUsage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheCreationTokens) {
    public static final TokenUsage ZERO = new TokenUsage(0, 0, 0, 0);

    /** All input tokens: OpenAI's {@code prompt_tokens}. */
    public long promptTokens() {
        return inputTokens + cacheReadTokens + cacheCreationTokens;
    }

    public long totalTokens() {
        return promptTokens() + outputTokens;
    }

    /** An Anthropic {@code usage} object; absent fields count 0. */
    public static TokenUsage fromAnthropic(JsonNode usage) {
        return ZERO.updatedBy(usage);
    }

    /**
     * These counts with each field that Anthropic's {@code usage} object carries replaced: a
     * stream's {@code message_delta} repeats (cumulative) counts, sometimes only
     * {@code output_tokens}.
     */
    public TokenUsage updatedBy(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return this;
        }
        return new TokenUsage(
                Json.present(usage, "input_tokens") ? Json.count(usage, "input_tokens") : inputTokens,
                Json.present(usage, "output_tokens") ? Json.count(usage, "output_tokens") : outputTokens,
                Json.present(usage, "cache_read_input_tokens")
                        ? Json.count(usage, "cache_read_input_tokens") : cacheReadTokens,
                Json.present(usage, "cache_creation_input_tokens")
                        ? Json.count(usage, "cache_creation_input_tokens") : cacheCreationTokens);
    }

    /** An OpenAI {@code usage} object; {@code cache_creation_tokens} in it is read back. */
    public static TokenUsage fromOpenAi(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return ZERO;
        }
        JsonNode details = usage.path("prompt_tokens_details");
        long cached = Json.count(details, "cached_tokens");
        long created = Json.count(details, "cache_creation_tokens");
        long input = Math.max(0, Json.count(usage, "prompt_tokens") - cached - created);
        return new TokenUsage(input, Json.count(usage, "completion_tokens"), cached, created);
    }

    /** OpenAI's {@code usage} object. */
    public ObjectNode toOpenAi() {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", promptTokens());
        usage.put("completion_tokens", outputTokens);
        usage.put("total_tokens", totalTokens());
        ObjectNode details = usage.putObject("prompt_tokens_details");
        details.put("cached_tokens", cacheReadTokens);
        details.put("cache_creation_tokens", cacheCreationTokens);
        return usage;
    }

    /** Anthropic's {@code usage} object. */
    public ObjectNode toAnthropic() {
        ObjectNode usage = Json.object();
        usage.put("input_tokens", inputTokens);
        usage.put("cache_creation_input_tokens", cacheCreationTokens);
        usage.put("cache_read_input_tokens", cacheReadTokens);
        usage.put("output_tokens", outputTokens);
        return usage;
    }
}
