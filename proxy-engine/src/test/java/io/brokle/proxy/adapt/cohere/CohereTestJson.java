package io.brokle.proxy.adapt.cohere;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/** JSON for the Cohere translator tests: text blocks in, trees out. */
final class CohereTestJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CohereTestJson() {
    }

    static ObjectNode obj(String json) {
        return (ObjectNode) parse(json);
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code node} as it reads back from its JSON text, so that number node types compare equal. */
    static JsonNode reparsed(JsonNode node) {
        return parse(node.toString());
    }
}
