package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** OpenAI's error document, which every provider's error translation answers with. */
public final class OpenAiErrors {
    private OpenAiErrors() {
    }

    /** {@code {"error":{"message","type","param":null,"code"}}}. */
    public static ObjectNode openAiError(String message, String type, String code) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        error.put("code", code);
        return body;
    }
}
