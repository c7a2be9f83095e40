package io.brokle.proxy.adapt.gemini;

import static io.brokle.proxy.adapt.OpenAiErrors.openAiError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslatedError;
import java.util.Locale;

/**
 * Google's errors, {@code {"error":{"code","message","status","details"}}} (sometimes wrapped in
 * a one-element array), as OpenAI's {@code {"error":{"message","type","param","code"}}}. The
 * message is kept as Google wrote it.
 * <table>
 *   <caption>Google status, and the OpenAI answer</caption>
 *   <tr><th>Google status (HTTP)</th><th>OpenAI status</th><th>type</th><th>code</th></tr>
 *   <tr><td>INVALID_ARGUMENT (400), FAILED_PRECONDITION (400), OUT_OF_RANGE (400)</td><td>400</td>
 *       <td>invalid_request_error</td><td>null; {@code context_length_exceeded} when the message
 *       says the input has more tokens than the model allows; {@code invalid_api_key} with 401
 *       when a detail's reason is {@code API_KEY_INVALID} (how Google reports a bad key)</td></tr>
 *   <tr><td>UNAUTHENTICATED (401)</td><td>401</td><td>authentication_error</td><td>invalid_api_key</td></tr>
 *   <tr><td>PERMISSION_DENIED (403)</td><td>403</td><td>permission_error</td><td>permission_denied</td></tr>
 *   <tr><td>NOT_FOUND (404)</td><td>404</td><td>invalid_request_error</td><td>not_found</td></tr>
 *   <tr><td>RESOURCE_EXHAUSTED (429)</td><td>429</td><td>rate_limit_error</td><td>rate_limit_exceeded</td></tr>
 *   <tr><td>INTERNAL (500), UNKNOWN (500)</td><td>500</td><td>server_error</td><td>null</td></tr>
 *   <tr><td>UNAVAILABLE (503)</td><td>503</td><td>server_error</td><td>overloaded</td></tr>
 *   <tr><td>DEADLINE_EXCEEDED (504)</td><td>504</td><td>timeout_error</td><td>upstream_timeout</td></tr>
 * </table>
 * Another status keeps the provider's HTTP status with type {@code upstream_error}. A body that is
 * not a Google error (an HTML page from a proxy) becomes 502 {@code upstream_malformed}. A prompt
 * Gemini blocked ({@code promptFeedback.blockReason}, no candidates) is a 400
 * {@code content_policy_violation}, which lets routes fall back to another model.
 */
public final class GeminiErrors {
    private GeminiErrors() {
    }

    /**
     * A Gemini error answer as an OpenAI one.
     *
     * @param status the provider's HTTP status
     * @param body   the provider's body, as text
     */
    public static TranslatedError toOpenAi(int status, String body) {
        JsonNode error = errorObject(Json.parseOrNull(body));
        if (error == null) {
            return new TranslatedError(502, openAiError("The provider answered " + status
                    + " with a body that is not a Gemini error.", "upstream_error", "upstream_malformed"));
        }
        String googleStatus = Json.string(error, "status");
        String message = messageOf(error, status);
        int httpStatus = Json.present(error, "code") && error.get("code").isInt() ? error.get("code").intValue() : status;
        return switch (googleStatus == null ? "" : googleStatus) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> {
                if (hasReason(error, "API_KEY_INVALID")) {
                    yield new TranslatedError(401, openAiError(message, "authentication_error", "invalid_api_key"));
                }
                yield new TranslatedError(400, openAiError(message, "invalid_request_error",
                        isContextLength(message) ? "context_length_exceeded" : null));
            }
            case "UNAUTHENTICATED" -> new TranslatedError(401, openAiError(message, "authentication_error", "invalid_api_key"));
            case "PERMISSION_DENIED" -> new TranslatedError(403, openAiError(message, "permission_error", "permission_denied"));
            case "NOT_FOUND" -> new TranslatedError(404, openAiError(message, "invalid_request_error", "not_found"));
            case "RESOURCE_EXHAUSTED" -> new TranslatedError(429, openAiError(message, "rate_limit_error", "rate_limit_exceeded"),
                    retryDelay(error));
            case "INTERNAL", "UNKNOWN" -> new TranslatedError(500, openAiError(message, "server_error", null));
            case "UNAVAILABLE" -> new TranslatedError(503, openAiError(message, "server_error", "overloaded"));
            case "DEADLINE_EXCEEDED" -> new TranslatedError(504, openAiError(message, "timeout_error", "upstream_timeout"));
            default -> new TranslatedError(httpStatus >= 400 && httpStatus <= 599 ? httpStatus : status,
                    openAiError(message, "upstream_error", googleStatus == null ? null : googleStatus.toLowerCase(Locale.ROOT)));
        };
    }

    /**
     * The wait of a {@code google.rpc.RetryInfo} detail ({@code "retryDelay": "30s"} or
     * {@code "1.5s"}), which Google often sends instead of a {@code Retry-After} header; null when absent.
     */
    static java.time.Duration retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            String type = Json.string(detail, "@type");
            String delay = Json.string(detail, "retryDelay");
            if (type != null && type.endsWith("google.rpc.RetryInfo") && delay != null && delay.endsWith("s")) {
                try {
                    double seconds = Double.parseDouble(delay.substring(0, delay.length() - 1));
                    if (seconds >= 0 && seconds <= 86_400) {
                        return java.time.Duration.ofMillis((long) Math.ceil(seconds * 1000));
                    }
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * A Google error sent as a stream event, as the terminal OpenAI event {@code {"error":{...}}}
     * (the status was sent long ago); null when {@code event} holds no Google error.
     */
    static ObjectNode streamErrorToOpenAi(JsonNode event) {
        JsonNode error = errorObject(event);
        if (error == null) {
            return null;
        }
        return toOpenAi(Json.count(error, "code") > 0 ? (int) Json.count(error, "code") : 500, Json.write(event)).body();
    }

    /** The message of a prompt Gemini refused to answer, from its {@code promptFeedback}. */
    static String blockedPromptMessage(JsonNode promptFeedback) {
        String reason = Json.string(promptFeedback, "blockReason");
        String message = Json.string(promptFeedback, "blockReasonMessage");
        return "Gemini blocked the prompt (blockReason " + reason + ")" + (message != null ? ": " + message : ".");
    }

    /** The error document of a blocked prompt, for a stream's terminal event. */
    static ObjectNode blockedPrompt(JsonNode promptFeedback) {
        return openAiError(blockedPromptMessage(promptFeedback), "invalid_request_error", "content_policy_violation");
    }


    private static JsonNode errorObject(JsonNode parsed) {
        if (parsed != null && parsed.isArray() && parsed.size() == 1) {
            parsed = parsed.get(0);
        }
        JsonNode error = parsed == null ? null : parsed.get("error");
        return error != null && error.isObject() ? error : null;
    }

    private static boolean isContextLength(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("exceeds the maximum number of tokens") || m.contains("input token count")
                || m.contains("context window") || m.contains("too many tokens");
    }

    private static boolean hasReason(JsonNode error, String reason) {
        for (JsonNode detail : error.path("details")) {
            if (reason.equals(Json.string(detail, "reason"))) {
                return true;
            }
        }
        return false;
    }

    private static String messageOf(JsonNode error, int status) {
        String message = Json.string(error, "message");
        return message != null ? message : "The provider answered " + status + ".";
    }
}
