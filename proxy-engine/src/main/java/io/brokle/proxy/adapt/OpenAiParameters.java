package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * Reading the parameters of an OpenAI chat request the same way for every provider translator:
 * {@code stream}, the token limit, {@code stop}, sampling numbers, the refusals every provider
 * shares (audio output, non-text modalities, legacy function calling) and the bookkeeping of
 * parameters dropped because the provider has no equivalent. A parameter of the wrong type is a
 * 400 naming it.
 */
public final class OpenAiParameters {
    private OpenAiParameters() {
    }

    /** Whether the request asks for a stream; {@code stream} absent or null is false. */
    public static boolean stream(JsonNode request) throws TranslationException {
        JsonNode stream = request.get("stream");
        if (stream == null || stream.isNull()) {
            return false;
        }
        if (!stream.isBoolean()) {
            throw new TranslationException("stream must be a boolean", "stream");
        }
        return stream.booleanValue();
    }

    /**
     * The token limit: {@code max_completion_tokens}, else the older {@code max_tokens}, or null
     * when neither is given; a positive integer.
     */
    public static Integer maxTokens(JsonNode request) throws TranslationException {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = request.get(field);
            if (value == null || value.isNull()) {
                continue;
            }
            if (!value.isIntegralNumber() || value.longValue() < 1 || value.longValue() > Integer.MAX_VALUE) {
                throw new TranslationException(field + " must be a positive integer", field);
            }
            return value.intValue();
        }
        return null;
    }

    /** {@code stop} (a string or an array of strings) as an array, or null when absent or empty. */
    public static ArrayNode stopSequences(JsonNode stop) throws TranslationException {
        if (stop == null || stop.isNull()) {
            return null;
        }
        ArrayNode out = Json.array();
        if (stop.isTextual()) {
            return out.add(stop.textValue());
        }
        if (!stop.isArray()) {
            throw new TranslationException("stop must be a string or an array of strings", "stop");
        }
        for (JsonNode sequence : stop) {
            if (!sequence.isTextual()) {
                throw new TranslationException("stop must be a string or an array of strings", "stop");
            }
            out.add(sequence.textValue());
        }
        return out.isEmpty() ? null : out;
    }

    /** Copies the number {@code field} of the request to {@code out} as {@code as}, when given. */
    public static void copyNumber(JsonNode request, String field, ObjectNode out, String as)
            throws TranslationException {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw new TranslationException(field + " must be a number", field);
        }
        out.set(as, value);
    }

    /**
     * Refuses {@code n} other than 1 with {@code message}: providers that give one choice per
     * request.
     */
    public static void refuseSeveralChoices(JsonNode request, String message) throws TranslationException {
        JsonNode n = request.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.intValue() == 1)) {
            throw new TranslationException(message, "n");
        }
    }

    /**
     * Refuses audio output ({@code audioMessage}) and any modality but text
     * ({@code modalityMessage}), then the legacy {@code functions} and {@code function_call}.
     */
    public static void refuseNonTextAndLegacyFunctions(JsonNode request, String audioMessage, String modalityMessage)
            throws TranslationException {
        if (Json.present(request, "audio")) {
            throw new TranslationException(audioMessage, "audio");
        }
        JsonNode modalities = request.get("modalities");
        if (modalities != null && modalities.isArray()) {
            for (JsonNode modality : modalities) {
                if (!"text".equals(modality.asText())) {
                    throw new TranslationException(modalityMessage, "modalities");
                }
            }
        }
        for (String legacy : new String[] {"functions", "function_call"}) {
            if (Json.present(request, legacy)) {
                throw new TranslationException(legacy + " (legacy function calling) is not supported: use tools "
                        + "and tool_choice", legacy);
            }
        }
    }

    /**
     * Whether a parameter sent with {@code value} asks for anything: null, false and 0 are the
     * defaults of every OpenAI parameter, so dropping them changes nothing.
     */
    public static boolean hasEffect(JsonNode value) {
        return !(value.isNull() || (value.isBoolean() && !value.booleanValue())
                || (value.isNumber() && value.doubleValue() == 0));
    }

    /** Adds to {@code dropped} every request field outside {@code handled} sent with an effect. */
    public static void noteDropped(JsonNode request, Set<String> handled, Set<String> dropped) {
        request.fieldNames().forEachRemaining(field -> {
            if (!handled.contains(field) && hasEffect(request.get(field))) {
                dropped.add(field);
            }
        });
    }

    /** The string {@code field} of {@code node} (found at {@code path}); a 400 naming it when it is absent or not a string. */
    public static String requireString(JsonNode node, String field, String path) throws TranslationException {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual()) {
            throw new TranslationException(field + " must be a string", path + "." + field);
        }
        return value.textValue();
    }

    /** The JSON schema of a function without parameters: an object with no properties. */
    public static ObjectNode emptyObjectSchema() {
        ObjectNode schema = Json.object();
        schema.put("type", "object");
        schema.putObject("properties");
        return schema;
    }
}
