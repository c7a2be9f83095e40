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

    /** The terminal error of a stream whose provider sent an event that is not JSON (a 502's code). */
    public static ObjectNode notJsonEvent() {
        return openAiError("The provider sent a stream event that is not JSON.", "upstream_error", "upstream_malformed");
    }
}
