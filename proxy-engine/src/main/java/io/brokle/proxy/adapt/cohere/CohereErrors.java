package io.brokle.proxy.adapt.cohere;

import static io.brokle.proxy.adapt.OpenAiErrors.openAiError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslatedError;
import java.util.Locale;

/**
 * Cohere's error answers, {@code {"id": "...", "message": "..."}} (the {@code id} is sometimes
 * absent), as OpenAI's {@code {"error":{"message","type","param","code"}}}. The message is kept
 * as Cohere wrote it; the status says what went wrong:
 * <table>
 *   <caption>Cohere status and the OpenAI answer</caption>
 *   <tr><th>Cohere</th><th>OpenAI status</th><th>type</th><th>code</th></tr>
 *   <tr><td>400</td><td>400</td><td>invalid_request_error</td><td>null, or
 *       {@code context_length_exceeded} when the message says the prompt has too many tokens
 *       (so that routes fall back to a model with a larger window)</td></tr>
 *   <tr><td>401, 498 (invalid token)</td><td>401</td><td>authentication_error</td><td>invalid_api_key</td></tr>
 *   <tr><td>402</td><td>402</td><td>billing_error</td><td>insufficient_quota</td></tr>
 *   <tr><td>403</td><td>403</td><td>permission_error</td><td>permission_denied</td></tr>
 *   <tr><td>404</td><td>404</td><td>invalid_request_error</td><td>not_found</td></tr>
 *   <tr><td>422</td><td>422</td><td>invalid_request_error</td><td>null</td></tr>
 *   <tr><td>429</td><td>429</td><td>rate_limit_error</td><td>rate_limit_exceeded</td></tr>
 *   <tr><td>499 (request cancelled)</td><td>502</td><td>upstream_error</td><td>request_cancelled</td></tr>
 *   <tr><td>500, 501</td><td>as sent</td><td>server_error</td><td>null</td></tr>
 *   <tr><td>503</td><td>503</td><td>server_error</td><td>overloaded</td></tr>
 *   <tr><td>504</td><td>504</td><td>timeout_error</td><td>upstream_timeout</td></tr>
 *   <tr><td>other 4xx / 5xx</td><td>as sent</td><td>invalid_request_error / server_error</td><td>null</td></tr>
 * </table>
 * A body without a {@code message} string (an HTML page from a proxy) becomes 502
 * {@code upstream_malformed}, like any malformed provider answer. {@code Retry-After} is the
 * relay's business.
 */
public final class CohereErrors {
    private CohereErrors() {
    }

    /**
     * @param status the provider's HTTP status
     * @param body   the provider's body, as text
     */
    public static TranslatedError toOpenAi(int status, String body) {
        JsonNode parsed = Json.parseOrNull(body);
        String message = parsed == null ? null : Json.string(parsed, "message");
        if (message == null) {
            return new TranslatedError(502, openAiError("The provider answered " + status
                    + " with a body that is not a Cohere error.", "upstream_error", "upstream_malformed"));
        }
        return switch (status) {
            case 400 -> new TranslatedError(400, openAiError(message, "invalid_request_error",
                    isContextLengthError(message) ? "context_length_exceeded" : null));
            case 401, 498 -> new TranslatedError(401, openAiError(message, "authentication_error", "invalid_api_key"));
            case 402 -> new TranslatedError(402, openAiError(message, "billing_error", "insufficient_quota"));
            case 403 -> new TranslatedError(403, openAiError(message, "permission_error", "permission_denied"));
            case 404 -> new TranslatedError(404, openAiError(message, "invalid_request_error", "not_found"));
            case 429 -> new TranslatedError(429, openAiError(message, "rate_limit_error", "rate_limit_exceeded"));
            case 499 -> new TranslatedError(502, openAiError(message, "upstream_error", "request_cancelled"));
            case 503 -> new TranslatedError(503, openAiError(message, "server_error", "overloaded"));
            case 504 -> new TranslatedError(504, openAiError(message, "timeout_error", "upstream_timeout"));
            default -> new TranslatedError(status, openAiError(message,
                    status >= 500 ? "server_error" : "invalid_request_error", null));
        };
    }

    /** The terminal OpenAI stream event for a stream that Cohere ended with an error. */
    public static ObjectNode streamError(String message, String finishReason) {
        String text = message != null && !message.isBlank() ? message
                : "The provider ended its stream with finish_reason " + finishReason + ".";
        return openAiError(text, "upstream_error", "TIMEOUT".equals(finishReason) ? "upstream_timeout" : "upstream_error");
    }

    /** Whether a 400's message is Cohere's "prompt too long" error. */
    static boolean isContextLengthError(String message) {
        String lower = message.toLowerCase(Locale.ROOT);
        return lower.contains("too many tokens") || lower.contains("context length")
                || lower.contains("context window") || lower.contains("maximum context");
    }
}
