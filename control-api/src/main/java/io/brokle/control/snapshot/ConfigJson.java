package io.brokle.control.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.config.MockOptions;
import io.brokle.config.Price;
import io.brokle.config.UpstreamTimeouts;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON kept in text columns (string lists, metadata maps, time limits, prices, mock
 * options), read and written in one place so every table spells them the same way. Durations
 * are ISO-8601 ({@code PT30S}), prices decimal strings.
 */
public final class ConfigJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigJson() {
    }

    public static String strings(List<String> values) {
        return write(values);
    }

    public static List<String> strings(String json) {
        return json == null ? List.of() : read(json, new TypeReference<List<String>>() { });
    }

    public static String map(Map<String, String> values) {
        return write(new LinkedHashMap<>(values));
    }

    public static Map<String, String> map(String json) {
        return json == null ? Map.of() : read(json, new TypeReference<LinkedHashMap<String, String>>() { });
    }

    public static String timeouts(UpstreamTimeouts t) {
        if (t == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("connect", t.connect().toString());
        n.put("firstByte", t.firstByte().toString());
        n.put("idle", t.idle().toString());
        n.put("total", t.total().toString());
        return n.toString();
    }

    public static UpstreamTimeouts timeouts(String json) {
        if (json == null) {
            return null;
        }
        JsonNode n = tree(json);
        return new UpstreamTimeouts(Duration.parse(n.path("connect").asText()), Duration.parse(n.path("firstByte").asText()),
                Duration.parse(n.path("idle").asText()), Duration.parse(n.path("total").asText()));
    }

    public static String price(Price p) {
        if (p == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("input", plain(p.input()));
        n.put("cachedInput", plain(p.cachedInput()));
        n.put("cacheWrite", plain(p.cacheWrite()));
        n.put("output", plain(p.output()));
        n.put("reasoning", plain(p.reasoning()));
        return n.toString();
    }

    public static Price price(String json) {
        if (json == null) {
            return null;
        }
        JsonNode n = tree(json);
        return new Price(decimal(n, "input"), decimal(n, "cachedInput"), decimal(n, "cacheWrite"), decimal(n, "output"),
                decimal(n, "reasoning"), null);
    }

    public static String mock(MockOptions m) {
        if (m == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("latency", m.latency().toString());
        n.put("chunkDelay", m.chunkDelay().toString());
        n.put("chunks", m.chunks());
        n.put("chunkChars", m.chunkChars());
        n.put("embeddingDimensions", m.embeddingDimensions());
        return n.toString();
    }

    public static MockOptions mock(String json) {
        if (json == null) {
            return null;
        }
        JsonNode n = tree(json);
        return new MockOptions(Duration.parse(n.path("latency").asText()), Duration.parse(n.path("chunkDelay").asText()),
                n.path("chunks").asInt(), n.path("chunkChars").asInt(), n.path("embeddingDimensions").asInt());
    }

    private static String plain(BigDecimal v) {
        return v == null ? null : v.toPlainString();
    }

    private static BigDecimal decimal(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : new BigDecimal(v.asText());
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not valid: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON is not valid: " + e.getOriginalMessage(), e);
        }
    }
}
