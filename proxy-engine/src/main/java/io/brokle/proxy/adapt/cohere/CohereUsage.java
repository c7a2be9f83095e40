package io.brokle.proxy.adapt.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;

/**
 * Token counts of one Cohere answer, as OpenAI's {@code usage}. Cohere reports two pairs:
 * {@code usage.billed_units} (chat) or {@code meta.billed_units} (embed), the tokens it charges
 * for, and {@code usage.tokens}, every token the model processed, including the prompt template
 * Cohere adds itself. The OpenAI counts are the billed ones, so that the gateway's cost is what
 * Cohere bills; when an answer has no {@code billed_units}, the {@code tokens} pair is used.
 * Streamed and whole answers read the same pair, so a request costs the same either way.
 *
 * @param inputTokens  OpenAI's {@code prompt_tokens}
 * @param outputTokens OpenAI's {@code completion_tokens} (thinking included)
 */
public record CohereUsage(long inputTokens, long outputTokens) {
    public static final CohereUsage ZERO = new CohereUsage(0, 0);

    /** From a chat {@code usage} object (or an embed {@code meta}); null or empty is {@link #ZERO}. */
    public static CohereUsage of(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return ZERO;
        }
        JsonNode billed = usage.get("billed_units");
        JsonNode counts = billed != null && billed.isObject() ? billed : usage.get("tokens");
        if (counts == null || !counts.isObject()) {
            return ZERO;
        }
        return new CohereUsage(Json.count(counts, "input_tokens"), Json.count(counts, "output_tokens"));
    }

    /** OpenAI's chat {@code usage}: prompt, completion and total tokens. */
    public ObjectNode toOpenAiChat() {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", inputTokens);
        usage.put("completion_tokens", outputTokens);
        usage.put("total_tokens", inputTokens + outputTokens);
        return usage;
    }

    /** OpenAI's embeddings {@code usage}: prompt and total tokens. */
    public ObjectNode toOpenAiEmbeddings() {
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", inputTokens);
        usage.put("total_tokens", inputTokens);
        return usage;
    }
}
