package io.brokle.proxy.adapt.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;

/**
 * Gemini's {@code usageMetadata} as OpenAI's {@code usage}.
 * <ul>
 *   <li>{@code prompt_tokens}: {@code promptTokenCount} (which already counts the tokens served
 *       from the context cache) plus {@code toolUsePromptTokenCount}.</li>
 *   <li>{@code prompt_tokens_details.cached_tokens}: {@code cachedContentTokenCount}.</li>
 *   <li>{@code completion_tokens}: {@code candidatesTokenCount} plus {@code thoughtsTokenCount}
 *       (Gemini counts thoughts apart; OpenAI counts reasoning inside the completion), and
 *       {@code completion_tokens_details.reasoning_tokens}: {@code thoughtsTokenCount}.</li>
 *   <li>{@code total_tokens}: {@code totalTokenCount}, or the sum when Gemini leaves it out.</li>
 * </ul>
 */
final class GeminiUsage {
    private GeminiUsage() {
    }

    /** True when {@code usageMetadata} says how many tokens the prompt had (Gemini leaves counts out of early chunks). */
    static boolean known(JsonNode usageMetadata) {
        return usageMetadata != null && usageMetadata.isObject() && Json.present(usageMetadata, "promptTokenCount");
    }

    static ObjectNode toOpenAi(JsonNode usageMetadata) {
        long prompt = Json.count(usageMetadata, "promptTokenCount") + Json.count(usageMetadata, "toolUsePromptTokenCount");
        long thoughts = Json.count(usageMetadata, "thoughtsTokenCount");
        long completion = Json.count(usageMetadata, "candidatesTokenCount") + thoughts;
        long total = usageMetadata != null && Json.present(usageMetadata, "totalTokenCount")
                ? Json.count(usageMetadata, "totalTokenCount") : prompt + completion;
        ObjectNode usage = Json.object();
        usage.put("prompt_tokens", prompt);
        usage.put("completion_tokens", completion);
        usage.put("total_tokens", total);
        usage.putObject("prompt_tokens_details").put("cached_tokens", Json.count(usageMetadata, "cachedContentTokenCount"));
        usage.putObject("completion_tokens_details").put("reasoning_tokens", thoughts);
        return usage;
    }
}
