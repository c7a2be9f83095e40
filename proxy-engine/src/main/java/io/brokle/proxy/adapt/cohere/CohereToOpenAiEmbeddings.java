package io.brokle.proxy.adapt.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * A Cohere v2 embed answer ({@code embeddings.float}, one vector per text, and
 * {@code meta.billed_units.input_tokens}) as OpenAI's embeddings list: {@code data[i]} is
 * {@code {object: embedding, index: i, embedding}}, {@code usage.prompt_tokens} and
 * {@code total_tokens} are the billed input tokens ({@link CohereUsage}). With
 * {@code encoding_format: base64} each vector is its float32 values, little-endian, in base64, as
 * OpenAI encodes them.
 */
public final class CohereToOpenAiEmbeddings {
    private CohereToOpenAiEmbeddings() {
    }

    /**
     * @param answer Cohere's answer body
     * @param model  the model name to answer with
     * @param base64 whether to encode the vectors as base64
     * @throws TranslationException (502) when the answer has no float embeddings
     */
    public static ObjectNode translate(JsonNode answer, String model, boolean base64) throws TranslationException {
        JsonNode vectors = answer == null ? null : answer.path("embeddings").get("float");
        if (vectors == null || !vectors.isArray()) {
            throw TranslationException.badUpstream("The provider's answer has no float embeddings.");
        }
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode vector = vectors.get(i);
            if (!vector.isArray()) {
                throw TranslationException.badUpstream("The provider's embedding " + i + " is not an array.");
            }
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                item.put("embedding", base64(vector));
            } else {
                ArrayNode values = item.putArray("embedding");
                vector.forEach(values::add);
            }
        }
        out.put("model", model);
        out.set("usage", CohereUsage.of(answer.get("meta")).toOpenAiEmbeddings());
        return out;
    }

    private static String base64(JsonNode vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        vector.forEach(value -> bytes.putFloat(value.floatValue()));
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
