package io.brokle.proxy.adapt.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;

/** JSON for tests: text blocks in, trees out. */
final class TestJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private TestJson() {
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

    /**
     * {@code node} as it reads back from its JSON text: numbers take the node type a parser gives
     * them, so a tree built with {@code put(name, long)} equals the same JSON parsed.
     */
    static JsonNode reparsed(JsonNode node) {
        return parse(node.toString());
    }

    static List<JsonNode> parseAll(List<String> jsons) {
        return jsons.stream().map(TestJson::parse).toList();
    }
}
