package io.brokle.proxy.adapt.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslatedError;
import io.brokle.proxy.adapt.anthropic.AnthropicErrors;
import java.util.Locale;

/**
 * Bedrock errors as OpenAI errors. Bedrock answers an error with {@code {"message":"..."}} and
 * names it in the {@code x-amzn-ErrorType} header ({@code ThrottlingException:http://...}); an
 * event stream names it in the {@code :exception-type} header of an exception frame
 * ({@code throttlingException}). The name decides; without one, the status does. The message is
 * kept as Bedrock wrote it.
 * <table>
 *   <caption>Bedrock exception, its status, and the OpenAI answer</caption>
 *   <tr><th>exception</th><th>Bedrock</th><th>OpenAI status</th><th>type</th><th>code</th></tr>
 *   <tr><td>ValidationException</td><td>400</td><td>400</td><td>invalid_request_error</td><td>null, or
 *       {@code context_length_exceeded} when the input is too long</td></tr>
 *   <tr><td>UnrecognizedClientException, InvalidSignatureException, ExpiredTokenException,
 *       IncompleteSignatureException, MissingAuthenticationTokenException</td><td>400, 403</td>
 *       <td>401</td><td>authentication_error</td><td>invalid_api_key</td></tr>
 *   <tr><td>AccessDeniedException</td><td>403</td><td>403</td><td>permission_error</td><td>permission_denied</td></tr>
 *   <tr><td>ResourceNotFoundException</td><td>404</td><td>404</td><td>invalid_request_error</td><td>model_not_found</td></tr>
 *   <tr><td>ModelTimeoutException</td><td>408</td><td>504</td><td>timeout_error</td><td>upstream_timeout</td></tr>
 *   <tr><td>ModelErrorException, ModelStreamErrorException</td><td>424</td><td>502</td><td>upstream_error</td><td>model_error</td></tr>
 *   <tr><td>ThrottlingException</td><td>429</td><td>429</td><td>rate_limit_error</td><td>rate_limit_exceeded</td></tr>
 *   <tr><td>ServiceQuotaExceededException</td><td>400</td><td>429</td><td>insufficient_quota</td><td>insufficient_quota</td></tr>
 *   <tr><td>ModelNotReadyException</td><td>429</td><td>503</td><td>overloaded_error</td><td>model_not_ready</td></tr>
 *   <tr><td>InternalServerException</td><td>500</td><td>500</td><td>server_error</td><td>null</td></tr>
 *   <tr><td>ServiceUnavailableException</td><td>503</td><td>503</td><td>overloaded_error</td><td>overloaded</td></tr>
 * </table>
 * An unknown exception keeps its status with type {@code upstream_error} and its name as code. A
 * body with no message (an HTML page from a proxy) is a 502 {@code upstream_malformed}.
 */
public final class BedrockErrors {
    private BedrockErrors() {
    }

    /**
     * @param status    Bedrock's HTTP status
     * @param errorType the {@code x-amzn-ErrorType} header, or null
     * @param body      Bedrock's body, as text
     */
    public static TranslatedError toOpenAi(int status, String errorType, String body) {
        JsonNode parsed = Json.parseOrNull(body);
        String message = parsed == null ? null : Json.string(parsed, "message");
        if (message == null && parsed != null) {
            message = Json.string(parsed, "Message");
        }
        if (message == null) {
            return new TranslatedError(502, AnthropicErrors.openAiError("The provider answered " + status
                    + " with a body that is not a Bedrock error.", "upstream_error", "upstream_malformed"));
        }
        String name = exceptionName(errorType);
        if (name == null && parsed != null) {
            name = exceptionName(Json.string(parsed, "__type"));
        }
        return map(name, status, message);
    }

    /**
     * An exception frame of an event stream as the terminal OpenAI event {@code {"error":{...}}}.
     *
     * @param exceptionType the frame's {@code :exception-type}, e.g. {@code throttlingException}
     * @param payload       the frame's payload, {@code {"message":"..."}}
     */
    public static ObjectNode streamExceptionToOpenAi(String exceptionType, String payload) {
        JsonNode parsed = Json.parseOrNull(payload);
        String message = parsed == null ? null : Json.string(parsed, "message");
        if (message == null) {
            message = "The provider's stream ended with " + (exceptionType == null ? "an error" : exceptionType) + ".";
        }
        return map(exceptionName(exceptionType), 0, message).body();
    }

    private static TranslatedError map(String name, int status, String message) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return switch (key) {
            case "validationexception" -> new TranslatedError(400, error(message, "invalid_request_error",
                    isContextTooLong(message) ? "context_length_exceeded" : null));
            case "unrecognizedclientexception", "invalidsignatureexception", "expiredtokenexception",
                 "incompletesignatureexception", "missingauthenticationtokenexception" ->
                    new TranslatedError(401, error(message, "authentication_error", "invalid_api_key"));
            case "accessdeniedexception" -> new TranslatedError(403, error(message, "permission_error",
                    "permission_denied"));
            case "resourcenotfoundexception" -> new TranslatedError(404, error(message, "invalid_request_error",
                    "model_not_found"));
            case "modeltimeoutexception" -> new TranslatedError(504, error(message, "timeout_error",
                    "upstream_timeout"));
            case "modelerrorexception", "modelstreamerrorexception" -> new TranslatedError(502, error(message,
                    "upstream_error", "model_error"));
            case "throttlingexception" -> new TranslatedError(429, error(message, "rate_limit_error",
                    "rate_limit_exceeded"));
            case "servicequotaexceededexception" -> new TranslatedError(429, error(message, "insufficient_quota",
                    "insufficient_quota"));
            case "modelnotreadyexception" -> new TranslatedError(503, error(message, "overloaded_error",
                    "model_not_ready"));
            case "internalserverexception" -> new TranslatedError(500, error(message, "server_error", null));
            case "serviceunavailableexception" -> new TranslatedError(503, error(message, "overloaded_error",
                    "overloaded"));
            case "" -> byStatus(status, message);
            default -> new TranslatedError(status == 0 ? 502 : status, error(message, "upstream_error", name));
        };
    }

    private static TranslatedError byStatus(int status, String message) {
        return switch (status) {
            case 400 -> map("ValidationException", status, message);
            case 401 -> map("UnrecognizedClientException", status, message);
            case 403 -> map("AccessDeniedException", status, message);
            case 404 -> map("ResourceNotFoundException", status, message);
            case 408 -> map("ModelTimeoutException", status, message);
            case 424 -> map("ModelErrorException", status, message);
            case 429 -> map("ThrottlingException", status, message);
            case 503 -> map("ServiceUnavailableException", status, message);
            default -> status >= 500 || status == 0 ? map("InternalServerException", status, message)
                    : new TranslatedError(status, error(message, "invalid_request_error", null));
        };
    }

    /**
     * Whether a validation message is about the input not fitting the model's context window
     * ("Input is too long for requested model.", Claude's "prompt is too long", ...), so that routes
     * can fall back to a model with a larger window.
     */
    static boolean isContextTooLong(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("input is too long") || m.contains("prompt is too long") || m.contains("too many input tokens")
                || m.contains("context length") || m.contains("context window") || m.contains("maximum context");
    }

    /** {@code ThrottlingException} from {@code ThrottlingException:http://...} or {@code aws.protocols#ThrottlingException}. */
    static String exceptionName(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String name = raw.trim();
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        int hash = name.lastIndexOf('#');
        if (hash >= 0) {
            name = name.substring(hash + 1);
        }
        return name.isEmpty() ? null : name;
    }

    private static ObjectNode error(String message, String type, String code) {
        return AnthropicErrors.openAiError(message, type, code);
    }
}
