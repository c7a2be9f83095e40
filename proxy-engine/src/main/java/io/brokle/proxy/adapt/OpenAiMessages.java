package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Reading an OpenAI request's {@code messages} the same way for every provider translator: the
 * list must be a non-empty array of objects, a message's {@code name} has no provider form (it is
 * dropped), and a role other than system, developer, user, assistant and tool is refused. Each
 * translator keeps its own dispatch on the role.
 */
public final class OpenAiMessages {
    private OpenAiMessages() {
    }

    /** {@code messages}, checked to be a non-empty array; a 400 otherwise. */
    public static JsonNode requireNonEmpty(JsonNode messages) throws TranslationException {
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new TranslationException("messages must be a non-empty array", "messages");
        }
        return messages;
    }

    /**
     * Message {@code i}, checked to be an object (a 400 naming {@code path} otherwise); its
     * {@code name}, when given, is added to {@code dropped}.
     */
    public static JsonNode message(JsonNode messages, int i, String path, Set<String> dropped)
            throws TranslationException {
        JsonNode message = messages.get(i);
        if (!message.isObject()) {
            throw new TranslationException(path + " must be an object", path);
        }
        if (Json.present(message, "name")) {
            dropped.add("messages[].name");
        }
        return message;
    }

    /** The 400 for a message whose {@code role} (possibly null) no translator takes. */
    public static TranslationException unsupportedRole(String role, String path) {
        if ("function".equals(role)) {
            return new TranslationException(
                    "role \"function\" (legacy function calling) is not supported: use tools and role \"tool\"",
                    path + ".role");
        }
        return new TranslationException("unknown role " + (role == null ? "(none)" : "\"" + role + "\"")
                + " (expected: system, developer, user, assistant, tool)", path + ".role");
    }
}
