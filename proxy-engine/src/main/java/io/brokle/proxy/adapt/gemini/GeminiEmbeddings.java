package io.brokle.proxy.adapt.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI's {@code /v1/embeddings} through Gemini's {@code batchEmbedContents}, both ways.
 * <ul>
 *   <li>Request: {@code input} (a string, or an array of strings) becomes one
 *       {@code EmbedContentRequest} per text, in order, each
 *       {@code {model: "models/<model>", content: {parts: [{text}]}}}; {@code dimensions} becomes
 *       each one's {@code outputDimensionality}. Token arrays are refused (400: Gemini takes
 *       text); {@code user} is dropped; {@code encoding_format} is honoured on the way back.</li>
 *   <li>Answer: {@code embeddings[i].values} become {@code data[i].embedding}, as floats, or with
 *       {@code encoding_format: base64} as the base64 of their little-endian float32 bytes (what
 *       OpenAI sends, and what the official SDKs ask for by default). {@code usage} is there when
 *       Gemini reports {@code usageMetadata.promptTokenCount}; otherwise it is left out, since
 *       an unknown count must not read as 0.</li>
 * </ul>
 */
public final class GeminiEmbeddings {
    private GeminiEmbeddings() {
    }

    /**
     * A translated embeddings request.
     *
     * @param body          the {@code BatchEmbedContentsRequest}
     * @param base64        whether the client asked for base64 vectors
     * @param droppedParams parameters not honoured
     */
    public record Request(ObjectNode body, boolean base64, List<String> droppedParams) {
    }

    /**
     * @param request an OpenAI embeddings request body; not modified
     * @param model   the Gemini model, without {@code models/}
     */
    public static Request request(JsonNode request, String model) throws TranslationException {
        if (request == null || !request.isObject()) {
            throw new TranslationException("the request body must be a JSON object", null);
        }
        JsonNode input = request.get("input");
        ArrayNode texts = Json.array();
        if (input != null && input.isTextual()) {
            texts.add(input.textValue());
        } else if (input != null && input.isArray() && !input.isEmpty()) {
            for (int i = 0; i < input.size(); i++) {
                JsonNode text = input.get(i);
                if (!text.isTextual()) {
                    throw new TranslationException("Gemini embeddings take text: input must be a string or an array "
                            + "of strings (token arrays are not supported)", "input[" + i + "]");
                }
                texts.add(text);
            }
        } else {
            throw new TranslationException("input must be a string or a non-empty array of strings", "input");
        }
        Integer dimensions = null;
        JsonNode dims = request.get("dimensions");
        if (dims != null && !dims.isNull()) {
            if (!dims.isIntegralNumber() || dims.intValue() < 1) {
                throw new TranslationException("dimensions must be a positive integer", "dimensions");
            }
            dimensions = dims.intValue();
        }
        String format = Json.string(request, "encoding_format");
        if (format != null && !format.equals("float") && !format.equals("base64")) {
            throw new TranslationException("encoding_format must be float or base64", "encoding_format");
        }
        ObjectNode body = Json.object();
        ArrayNode requests = body.putArray("requests");
        for (JsonNode text : texts) {
            ObjectNode one = requests.addObject();
            one.put("model", "models/" + model);
            one.putObject("content").putArray("parts").addObject().set("text", text);
            if (dimensions != null) {
                one.put("outputDimensionality", dimensions);
            }
        }
        List<String> dropped = Json.present(request, "user") ? List.of("user") : List.of();
        return new Request(body, "base64".equals(format), dropped);
    }

    /**
     * @param response the {@code BatchEmbedContentsResponse}
     * @param model    the model to name in the answer
     * @param base64   whether to send the vectors as base64
     * @throws TranslationException (502) when the answer is not Gemini's
     */
    public static ObjectNode answer(JsonNode response, String model, boolean base64) throws TranslationException {
        JsonNode embeddings = response == null ? null : response.get("embeddings");
        if (embeddings == null || !embeddings.isArray()) {
            throw TranslationException.badUpstream("The provider's answer is not a Gemini BatchEmbedContentsResponse.");
        }
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < embeddings.size(); i++) {
            JsonNode values = embeddings.get(i).get("values");
            if (values == null || !values.isArray()) {
                throw TranslationException.badUpstream("The provider's embedding " + i + " has no values.");
            }
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                ByteBuffer bytes = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                values.forEach(v -> bytes.putFloat(v.floatValue()));
                item.put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
            } else {
                ArrayNode vector = item.putArray("embedding");
                values.forEach(v -> vector.add(v.floatValue()));
            }
        }
        out.put("model", model);
        JsonNode usage = response.get("usageMetadata");
        if (GeminiUsage.known(usage)) {
            long prompt = Json.count(usage, "promptTokenCount");
            out.putObject("usage").put("prompt_tokens", prompt).put("total_tokens",
                    Json.present(usage, "totalTokenCount") ? Json.count(usage, "totalTokenCount") : prompt);
        }
        return out;
    }
}
