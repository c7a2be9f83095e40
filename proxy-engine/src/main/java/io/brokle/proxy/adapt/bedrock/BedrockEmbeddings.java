package io.brokle.proxy.adapt.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * OpenAI {@code /v1/embeddings} through Bedrock's {@code InvokeModel}
 * ({@code POST /model/{modelId}/invoke}), whose body is the model's own. The model id's prefix picks
 * the format:
 * <ul>
 *   <li>{@code amazon.titan-embed-text*} (Titan Text Embeddings v1, v2): one text per call,
 *       {@code {"inputText", "dimensions", "normalize": true}} ({@code dimensions} only for v2:
 *       256, 512 or 1024) answered by {@code {"embedding":[...], "inputTextTokenCount"}}. An
 *       {@code input} of several texts is refused (400): batch them with a {@code cohere.embed}
 *       model, or send one request per text.</li>
 *   <li>{@code cohere.embed*} (Cohere Embed v3 on Bedrock): up to {@value #COHERE_MAX_TEXTS} texts
 *       per call, {@code {"texts":[...], "input_type":"search_document"}} answered by
 *       {@code {"embeddings":[[...], ...]}}. Cohere on Bedrock reports no token counts, so the
 *       answer has no {@code usage} (and no cost).</li>
 * </ul>
 * Other models and token-array inputs are refused (400); {@code user} and {@code dimensions}
 * where the model has none are dropped and listed. With {@code encoding_format: base64} (the
 * OpenAI SDKs' default) each vector is answered as the base64 of its little-endian float32s, as
 * OpenAI does.
 */
public final class BedrockEmbeddings {
    /** Cohere Embed's limit of texts per call. */
    public static final int COHERE_MAX_TEXTS = 96;
    private static final Set<Integer> TITAN_V2_DIMENSIONS = Set.of(256, 512, 1024);

    private BedrockEmbeddings() {
    }

    /**
     * A request body for {@code modelId}, with the parameters dropped on the way.
     *
     * @param base64 whether the client asked for base64-encoded vectors
     */
    public record Request(ObjectNode body, List<String> droppedParams, boolean base64) {
    }

    static boolean isTitan(String modelId) {
        return modelId.startsWith("amazon.titan-embed-text");
    }

    static boolean isCohere(String modelId) {
        return modelId.startsWith("cohere.embed");
    }

    /**
     * @param request the OpenAI embeddings request; not modified
     * @param modelId the Bedrock model id
     * @throws TranslationException (400) for a model or input this translation cannot serve
     */
    public static Request translate(JsonNode request, String modelId) throws TranslationException {
        if (!isTitan(modelId) && !isCohere(modelId)) {
            throw new TranslationException("Bedrock embeddings are served for amazon.titan-embed-text* and "
                    + "cohere.embed* models only (this deployment's model is \"" + modelId + "\")", "model");
        }
        List<String> texts = texts(request.get("input"));
        Set<String> dropped = new LinkedHashSet<>();
        String format = Json.string(request, "encoding_format");
        if (format != null && !"float".equals(format) && !"base64".equals(format)) {
            throw new TranslationException("encoding_format must be float or base64", "encoding_format");
        }
        request.fieldNames().forEachRemaining(field -> {
            if (!Set.of("model", "input", "encoding_format", "dimensions").contains(field)
                    && Json.present(request, field)) {
                dropped.add(field);
            }
        });
        JsonNode dimensions = request.get("dimensions");
        ObjectNode body = Json.object();
        if (isTitan(modelId)) {
            if (texts.size() != 1) {
                throw new TranslationException("Titan embedding models take one text per request (got " + texts.size()
                        + "): send one input per request, or use a cohere.embed model to embed several at once",
                        "input");
            }
            body.put("inputText", texts.getFirst());
            if (dimensions != null && !dimensions.isNull()) {
                if (!modelId.startsWith("amazon.titan-embed-text-v2")) {
                    dropped.add("dimensions");
                } else if (!dimensions.isIntegralNumber() || !TITAN_V2_DIMENSIONS.contains(dimensions.intValue())) {
                    throw new TranslationException("dimensions must be 256, 512 or 1024 for Titan Text Embeddings V2",
                            "dimensions");
                } else {
                    body.put("dimensions", dimensions.intValue());
                    body.put("normalize", true);
                }
            }
        } else {
            if (texts.size() > COHERE_MAX_TEXTS) {
                throw new TranslationException("Cohere embedding models on Bedrock take at most " + COHERE_MAX_TEXTS
                        + " texts per request (got " + texts.size() + ")", "input");
            }
            ArrayNode array = body.putArray("texts");
            texts.forEach(array::add);
            body.put("input_type", "search_document");
            if (dimensions != null && !dimensions.isNull()) {
                dropped.add("dimensions");
            }
        }
        return new Request(body, new ArrayList<>(dropped), "base64".equals(format));
    }

    private static List<String> texts(JsonNode input) throws TranslationException {
        List<String> texts = new ArrayList<>();
        if (input != null && input.isTextual()) {
            texts.add(input.textValue());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (JsonNode item : input) {
                if (!item.isTextual()) {
                    throw new TranslationException("input must be a string or an array of strings for Bedrock models "
                            + "(token arrays are not supported)", "input");
                }
                texts.add(item.textValue());
            }
        } else {
            throw new TranslationException("input must be a non-empty string or array of strings", "input");
        }
        for (String text : texts) {
            if (text.isEmpty()) {
                throw new TranslationException("input texts must not be empty", "input");
            }
        }
        return texts;
    }

    /**
     * The model's answer as an OpenAI {@code list} of embeddings.
     *
     * @throws TranslationException (502) when the answer does not have the model's format
     */
    public static ObjectNode answer(JsonNode answer, String modelId, boolean base64) throws TranslationException {
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        if (isTitan(modelId)) {
            JsonNode embedding = answer == null ? null : answer.get("embedding");
            if (embedding == null || !embedding.isArray()) {
                throw TranslationException.badUpstream("The provider's answer is not a Titan embedding.");
            }
            addEmbedding(data, 0, embedding, base64);
            out.put("model", modelId);
            long tokens = Json.count(answer, "inputTextTokenCount");
            ObjectNode usage = out.putObject("usage");
            usage.put("prompt_tokens", tokens);
            usage.put("total_tokens", tokens);
            return out;
        }
        JsonNode embeddings = answer == null ? null : answer.get("embeddings");
        if (embeddings == null || !embeddings.isArray()) {
            throw TranslationException.badUpstream("The provider's answer is not a Cohere embeddings answer.");
        }
        for (int i = 0; i < embeddings.size(); i++) {
            if (!embeddings.get(i).isArray()) {
                throw TranslationException.badUpstream("The provider's answer is not a Cohere embeddings answer.");
            }
            addEmbedding(data, i, embeddings.get(i), base64);
        }
        out.put("model", modelId);
        return out;
    }

    private static void addEmbedding(ArrayNode data, int index, JsonNode embedding, boolean base64)
            throws TranslationException {
        ObjectNode item = data.addObject();
        item.put("object", "embedding");
        item.put("index", index);
        if (!base64) {
            item.set("embedding", embedding.deepCopy());
            return;
        }
        java.nio.ByteBuffer floats = java.nio.ByteBuffer.allocate(4 * embedding.size())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (JsonNode value : embedding) {
            if (!value.isNumber()) {
                throw TranslationException.badUpstream("The provider's embedding holds a value that is not a number.");
            }
            floats.putFloat(value.floatValue());
        }
        item.put("embedding", java.util.Base64.getEncoder().encodeToString(floats.array()));
    }
}
