package io.brokle.control.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Replaces secrets in audit values with {@code "[redacted]"}: every field, at any depth, whose
 * name mentions a password, secret, token, credential, API key, hash or private key. A belt to
 * the writers' braces: services should not put secrets in audit values in the first place.
 */
public final class Redactor {
    public static final String REDACTED = "[redacted]";
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "token", "credential", "apikey",
            "api_key", "hash", "private", "authorization");

    private Redactor() {
    }

    /** {@code node} with every secret field's value replaced (in place; returns it). */
    public static JsonNode redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(object.properties());
            for (Map.Entry<String, JsonNode> field : fields) {
                if (isSecret(field.getKey()) && !field.getValue().isNull()) {
                    object.set(field.getKey(), TextNode.valueOf(REDACTED));
                } else {
                    redact(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(Redactor::redact);
        }
        return node;
    }

    static boolean isSecret(String field) {
        String name = field.toLowerCase(Locale.ROOT).replace("-", "_");
        for (String word : SECRET_WORDS) {
            if (name.contains(word) || name.replace("_", "").contains(word)) {
                return true;
            }
        }
        return false;
    }
}
