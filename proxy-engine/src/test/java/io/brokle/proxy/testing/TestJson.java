package io.brokle.proxy.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;

/** JSON for the translator tests: text blocks in, trees out. */
public final class TestJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
    }

    public static ObjectNode obj(String json) {
        return (ObjectNode) parse(json);
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code node} as it reads back from its JSON text: numbers take the node type a parser gives
     * them, so a tree built with {@code put(name, long)} equals the same JSON parsed.
     */
    public static JsonNode reparsed(JsonNode node) {
        return parse(node.toString());
    }

    public static List<JsonNode> parseAll(List<String> jsons) {
        return jsons.stream().map(TestJson::parse).toList();
    }
}
