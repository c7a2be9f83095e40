package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiErrors;
import io.brokle.proxy.adapt.TranslatedError;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Errors between Anthropic's format, {@code {"type":"error","error":{"type","message"}}}, and
 * OpenAI's, {@code {"error":{"message","type","param","code"}}}. The message is kept as the
 * provider wrote it.
 * <table>
 *   <caption>Anthropic error type, its status, and the OpenAI answer</caption>
 *   <tr><th>Anthropic type</th><th>status</th><th>OpenAI status</th><th>type</th><th>code</th></tr>
 *   <tr><td>invalid_request_error</td><td>400</td><td>400</td><td>invalid_request_error</td><td>null</td></tr>
 *   <tr><td>authentication_error</td><td>401</td><td>401</td><td>authentication_error</td><td>invalid_api_key</td></tr>
 *   <tr><td>billing_error</td><td>402</td><td>402</td><td>billing_error</td><td>insufficient_quota</td></tr>
 *   <tr><td>permission_error</td><td>403</td><td>403</td><td>permission_error</td><td>permission_denied</td></tr>
 *   <tr><td>not_found_error</td><td>404</td><td>404</td><td>invalid_request_error</td><td>not_found</td></tr>
 *   <tr><td>request_too_large</td><td>413</td><td>413</td><td>invalid_request_error</td><td>request_too_large</td></tr>
 *   <tr><td>rate_limit_error</td><td>429</td><td>429</td><td>rate_limit_error</td><td>rate_limit_exceeded</td></tr>
 *   <tr><td>api_error</td><td>500</td><td>500</td><td>server_error</td><td>null</td></tr>
 *   <tr><td>timeout_error</td><td>504</td><td>504</td><td>timeout_error</td><td>upstream_timeout</td></tr>
 *   <tr><td>overloaded_error</td><td>529</td><td>503</td><td>overloaded_error</td><td>overloaded</td></tr>
 * </table>
 * An unknown type keeps the provider's status (529 becomes 503, which OpenAI clients retry) with
 * type {@code upstream_error}. A body that is not an Anthropic error (an HTML page from a proxy)
 * becomes 502 {@code upstream_malformed}, like any malformed provider answer.
 *
 * <p>The other way, for the gateway's Anthropic endpoint, the Anthropic type follows the status
 * (400, 401, 402, 403, 404, 413, 429 as above; 503 and code {@code overloaded}:
 * {@code overloaded_error}; 504: {@code timeout_error}; other 5xx: {@code api_error}; other
 * 4xx: {@code invalid_request_error}) and the status is kept. {@code Retry-After} and other
 * headers are the relay's business.
 */
public final class AnthropicErrors {
    private enum Kind {
        INVALID_REQUEST("invalid_request_error", 400, 400, "invalid_request_error", null),
        AUTHENTICATION("authentication_error", 401, 401, "authentication_error", "invalid_api_key"),
        BILLING("billing_error", 402, 402, "billing_error", "insufficient_quota"),
        PERMISSION("permission_error", 403, 403, "permission_error", "permission_denied"),
        NOT_FOUND("not_found_error", 404, 404, "invalid_request_error", "not_found"),
        REQUEST_TOO_LARGE("request_too_large", 413, 413, "invalid_request_error", "request_too_large"),
        RATE_LIMIT("rate_limit_error", 429, 429, "rate_limit_error", "rate_limit_exceeded"),
        API("api_error", 500, 500, "server_error", null),
        TIMEOUT("timeout_error", 504, 504, "timeout_error", "upstream_timeout"),
        OVERLOADED("overloaded_error", 529, 503, "overloaded_error", "overloaded");

        final String anthropicType;
        final int anthropicStatus;
        final int openAiStatus;
        final String openAiType;
        final String openAiCode;

        Kind(String anthropicType, int anthropicStatus, int openAiStatus, String openAiType, String openAiCode) {
            this.anthropicType = anthropicType;
            this.anthropicStatus = anthropicStatus;
            this.openAiStatus = openAiStatus;
            this.openAiType = openAiType;
            this.openAiCode = openAiCode;
        }

        static Kind ofAnthropicType(String type) {
            for (Kind kind : values()) {
                if (kind.anthropicType.equals(type)) {
                    return kind;
                }
            }
            return null;
        }

        static Kind ofStatus(int status) {
            for (Kind kind : values()) {
                if (kind.anthropicStatus == status || (kind == OVERLOADED && status == 503)) {
                    return kind;
                }
            }
            return status >= 500 ? API : INVALID_REQUEST;
        }
    }

    private AnthropicErrors() {
    }

    /**
     * An Anthropic error answer as an OpenAI one.
     *
     * @param status the provider's HTTP status
     * @param body   the provider's body, as text
     */
    public static TranslatedError toOpenAi(int status, String body) {
        JsonNode parsed = Json.parseOrNull(body);
        JsonNode error = parsed == null ? null : parsed.get("error");
        if (parsed == null || !"error".equals(Json.string(parsed, "type")) || error == null || !error.isObject()) {
            return new TranslatedError(502, openAiError("The provider answered " + status
                    + " with a body that is not an Anthropic error.", "upstream_error", "upstream_malformed"));
        }
        String type = Json.string(error, "type");
        String message = messageOf(error, status);
        Kind kind = Kind.ofAnthropicType(type);
        if (kind == null) {
            return new TranslatedError(status == 529 ? 503 : status, openAiError(message, "upstream_error", type));
        }
        String code = kind.openAiCode;
        if (kind == Kind.INVALID_REQUEST && message != null && message.toLowerCase(java.util.Locale.ROOT).contains("prompt is too long")) {
            // Anthropic's context-window error, named as OpenAI names it, so routes can fall back on it.
            code = "context_length_exceeded";
        }
        return new TranslatedError(kind.openAiStatus, openAiError(message, kind.openAiType, code));
    }

    /**
     * The {@code data} of an Anthropic stream's {@code error} event as the terminal OpenAI event
     * {@code {"error":{...}}} (the status was sent long ago).
     */
    public static ObjectNode streamErrorToOpenAi(JsonNode errorEvent) {
        JsonNode error = errorEvent == null ? null : errorEvent.get("error");
        if (error == null || !error.isObject()) {
            return openAiError("The provider's stream ended with an error it did not describe.", "upstream_error",
                    "upstream_malformed");
        }
        String type = Json.string(error, "type");
        Kind kind = Kind.ofAnthropicType(type);
        String message = messageOf(error, 0);
        return kind == null ? openAiError(message, "upstream_error", type)
                : openAiError(message, kind.openAiType, kind.openAiCode);
    }

    /**
     * An OpenAI error answer (from an OpenAI-format provider, or the gateway's own) as an
     * Anthropic one, for clients of the gateway's {@code /v1/messages}.
     */
    public static TranslatedError toAnthropic(int status, String body) {
        JsonNode parsed = Json.parseOrNull(body);
        JsonNode error = parsed == null ? null : parsed.get("error");
        String message = error != null && error.isObject() ? messageOf(error, status)
                : "The provider answered " + status + ".";
        String code = error != null && error.isObject() ? Json.string(error, "code") : null;
        if ("context_length_exceeded".equals(code) && !message.toLowerCase(java.util.Locale.ROOT)
                .startsWith("prompt is too long")) {
            // Anthropic clients (coding agents compacting their context) recognise this error by
            // Anthropic's wording, and so does the gateway's own fallback rule.
            message = "prompt is too long: " + message;
        }
        return new TranslatedError(status, forStatus(status, code, message));
    }

    /**
     * An Anthropic error document for an error the gateway answers itself (or passes on from an
     * OpenAI-format provider), its type following the status and OpenAI-style code as the
     * class's table says.
     */
    public static ObjectNode forStatus(int status, String code, String message) {
        Kind kind = "overloaded".equals(code) ? Kind.OVERLOADED : Kind.ofStatus(status);
        return anthropicError(kind.anthropicType, message);
    }

    /**
     * The OpenAI-style code of an Anthropic error answer, for the gateway's retry and fallback
     * rules: {@code context_length_exceeded} for "prompt is too long", else the code its OpenAI
     * translation carries (null when none, or when the body is not an Anthropic error).
     */
    public static String retryCode(int status, String body) {
        JsonNode error = toOpenAi(status, body).body().path("error");
        return Json.string(error, "code");
    }

    /**
     * The {@code data} of an OpenAI stream's terminal {@code {"error":{...}}} event as the
     * {@code data} of an Anthropic {@code error} event.
     */
    public static ObjectNode streamErrorToAnthropic(JsonNode openAiError) {
        JsonNode error = openAiError == null ? null : openAiError.get("error");
        if (error == null || !error.isObject()) {
            return anthropicError(Kind.API.anthropicType, "The provider's stream ended with an error.");
        }
        String type = Json.string(error, "type");
        String code = Json.string(error, "code");
        Kind kind = Kind.ofAnthropicType(type);
        if (kind == null) {
            kind = switch (code == null ? "" : code) {
                case "overloaded" -> Kind.OVERLOADED;
                case "rate_limit_exceeded" -> Kind.RATE_LIMIT;
                case "upstream_timeout" -> Kind.TIMEOUT;
                default -> Kind.API;
            };
        }
        return anthropicError(kind.anthropicType, messageOf(error, 0));
    }

    /** {@code {"type":"error","error":{"type":type,"message":message}}}. */
    public static ObjectNode anthropicError(String type, String message) {
        ObjectNode body = Json.object();
        body.put("type", "error");
        ObjectNode error = body.putObject("error");
        error.put("type", type);
        error.put("message", message);
        return body;
    }

    /** {@code {"error":{"message","type","param":null,"code"}}}. */
    public static ObjectNode openAiError(String message, String type, String code) {
        return OpenAiErrors.openAiError(message, type, code);
    }

    private static String messageOf(JsonNode error, int status) {
        String message = Json.string(error, "message");
        if (message != null) {
            return message;
        }
        return status > 0 ? "The provider answered " + status + "." : "The provider reported an error.";
    }
}
