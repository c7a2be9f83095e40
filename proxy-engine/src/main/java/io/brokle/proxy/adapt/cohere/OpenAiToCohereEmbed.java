package io.brokle.proxy.adapt.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An OpenAI embeddings request as a Cohere v2 embed request ({@code POST /v2/embed}).
 * <table>
 *   <caption>OpenAI parameter to Cohere</caption>
 *   <tr><td>{@code model}</td><td>copied (the gateway puts the deployment's name in)</td></tr>
 *   <tr><td>{@code input}: a string or an array of strings</td><td>{@code texts}; token arrays
 *       are refused (400): Cohere embeds text only</td></tr>
 *   <tr><td>{@code input_type} (an extension)</td><td>copied; default
 *       {@value #DEFAULT_INPUT_TYPE}, since Cohere's v3+ models require one (use
 *       {@code search_query} for queries, {@code classification} or {@code clustering})</td></tr>
 *   <tr><td>{@code dimensions}</td><td>{@code output_dimension}</td></tr>
 *   <tr><td>{@code encoding_format}</td><td>{@code embedding_types} is always {@code ["float"]};
 *       {@code base64} is encoded by the gateway from the floats as OpenAI does
 *       ({@link CohereToOpenAiEmbeddings}); anything but {@code float} and {@code base64} is
 *       refused (400)</td></tr>
 *   <tr><td>{@code truncate} (an extension, Cohere's {@code NONE}, {@code START}, {@code END})</td>
 *       <td>copied</td></tr>
 *   <tr><td>everything else, e.g. {@code user}</td><td>dropped and listed, unless null</td></tr>
 * </table>
 */
public final class OpenAiToCohereEmbed {
    /** Cohere's {@code input_type} when the request sets none. */
    public static final String DEFAULT_INPUT_TYPE = "search_document";

    private static final Set<String> HANDLED = Set.of("model", "input", "input_type", "dimensions",
            "encoding_format", "truncate");

    private OpenAiToCohereEmbed() {
    }

    /** The Cohere request and whether the answer's vectors are wanted as base64. */
    public record Translated(CohereRequest request, boolean base64) {
    }

    /**
     * @param request an OpenAI embeddings request body; not modified
     * @throws TranslationException (400) for a request Cohere cannot serve as asked
     */
    public static Translated translate(JsonNode request) throws TranslationException {
        if (request == null || !request.isObject()) {
            throw new TranslationException("the request body must be a JSON object", null);
        }
        if (!request.path("model").isTextual()) {
            throw new TranslationException("model must be a string", "model");
        }
        Set<String> dropped = new LinkedHashSet<>();
        request.fieldNames().forEachRemaining(field -> {
            if (!HANDLED.contains(field) && !request.get(field).isNull()) {
                dropped.add(field);
            }
        });
        ObjectNode out = Json.object();
        out.set("model", request.get("model"));
        out.set("texts", texts(request.get("input")));
        JsonNode inputType = request.get("input_type");
        if (inputType != null && !inputType.isNull() && !inputType.isTextual()) {
            throw new TranslationException("input_type must be a string", "input_type");
        }
        out.put("input_type", inputType != null && inputType.isTextual() ? inputType.textValue() : DEFAULT_INPUT_TYPE);
        out.putArray("embedding_types").add("float");
        JsonNode dimensions = request.get("dimensions");
        if (dimensions != null && !dimensions.isNull()) {
            if (!dimensions.isIntegralNumber() || dimensions.intValue() < 1) {
                throw new TranslationException("dimensions must be a positive integer", "dimensions");
            }
            out.put("output_dimension", dimensions.intValue());
        }
        JsonNode truncate = request.get("truncate");
        if (truncate != null && !truncate.isNull()) {
            out.set("truncate", truncate);
        }
        JsonNode format = request.get("encoding_format");
        String encoding = format == null || format.isNull() ? "float" : format.asText("");
        if (!"float".equals(encoding) && !"base64".equals(encoding)) {
            throw new TranslationException("encoding_format must be float or base64", "encoding_format");
        }
        return new Translated(new CohereRequest(out, new ArrayList<>(dropped)), "base64".equals(encoding));
    }

    private static ArrayNode texts(JsonNode input) throws TranslationException {
        ArrayNode texts = Json.array();
        if (input != null && input.isTextual()) {
            return texts.add(input.textValue());
        }
        if (input == null || !input.isArray() || input.isEmpty()) {
            throw new TranslationException("input must be a string or a non-empty array of strings", "input");
        }
        for (JsonNode text : input) {
            if (!text.isTextual()) {
                throw new TranslationException("input must be text: Cohere models do not embed token arrays",
                        "input");
            }
            texts.add(text.textValue());
        }
        return texts;
    }
}
