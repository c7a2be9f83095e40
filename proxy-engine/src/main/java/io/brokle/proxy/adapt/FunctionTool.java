package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of an OpenAI request's {@code tools}, checked the same way for every provider: a
 * function tool with a string name, a string description when given, and a JSON schema object as
 * parameters when given. A tool that is none of these is a 400 naming its path.
 *
 * @param tool        the entry as sent
 * @param function    its {@code function} object
 * @param path        its path in the request, {@code tools[i]}
 * @param name        the function's name
 * @param description the function's description, or null
 * @param parameters  the function's parameters schema (an object), or null when not given
 */
public record FunctionTool(JsonNode tool, JsonNode function, String path, String name, String description,
                           JsonNode parameters) {

    /** The request's {@code tools} as an array, or null when absent or null; a 400 when not an array. */
    public static JsonNode array(JsonNode tools) throws TranslationException {
        if (tools == null || tools.isNull()) {
            return null;
        }
        if (!tools.isArray()) {
            throw new TranslationException("tools must be an array", "tools");
        }
        return tools;
    }

    /** Entry {@code i} of the {@code tools} array, checked. */
    public static FunctionTool read(JsonNode tools, int i) throws TranslationException {
        JsonNode tool = tools.get(i);
        String path = "tools[" + i + "]";
        if (!"function".equals(Json.string(tool, "type"))) {
            throw new TranslationException("only function tools are supported", path + ".type");
        }
        JsonNode function = tool.path("function");
        String name = OpenAiParameters.requireString(function, "name", path + ".function");
        String description = Json.present(function, "description")
                ? OpenAiParameters.requireString(function, "description", path + ".function") : null;
        JsonNode parameters = function.get("parameters");
        if (parameters != null && parameters.isNull()) {
            parameters = null;
        }
        if (parameters != null && !parameters.isObject()) {
            throw new TranslationException("parameters must be a JSON schema object", path + ".function.parameters");
        }
        return new FunctionTool(tool, function, path, name, description, parameters);
    }

    /** Whether the function asks for strict schema adherence ({@code function.strict}). */
    public boolean strict() {
        return function.path("strict").asBoolean(false);
    }
}
