package io.brokle.proxy.adapt.gemini;

import static io.brokle.proxy.adapt.OpenAiParameters.copyNumber;
import static io.brokle.proxy.adapt.OpenAiParameters.maxTokens;
import static io.brokle.proxy.adapt.OpenAiParameters.noteDropped;
import static io.brokle.proxy.adapt.OpenAiParameters.refuseNonTextAndLegacyFunctions;
import static io.brokle.proxy.adapt.OpenAiParameters.requireString;
import static io.brokle.proxy.adapt.OpenAiParameters.stopSequences;
import static io.brokle.proxy.adapt.OpenAiParameters.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.FunctionTool;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI Chat Completions request as a Gemini {@code GenerateContentRequest}. Messages follow
 * {@link OpenAiMessagesToGemini}; the rest:
 * <table>
 *   <caption>OpenAI parameter to Gemini</caption>
 *   <tr><td>{@code model}</td><td>not in the body: the adapter puts the deployment's model in the path</td></tr>
 *   <tr><td>{@code stream}</td><td>{@link GeminiRequest#stream()}: the adapter calls
 *       {@code :streamGenerateContent?alt=sse}</td></tr>
 *   <tr><td>{@code max_completion_tokens}, else {@code max_tokens}</td><td>{@code generationConfig.maxOutputTokens}</td></tr>
 *   <tr><td>{@code temperature}, {@code top_p}, {@code top_k} (an extension), {@code seed},
 *       {@code presence_penalty}, {@code frequency_penalty}</td><td>{@code temperature},
 *       {@code topP}, {@code topK}, {@code seed}, {@code presencePenalty}, {@code frequencyPenalty}</td></tr>
 *   <tr><td>{@code n}</td><td>{@code candidateCount}</td></tr>
 *   <tr><td>{@code stop} (string or list)</td><td>{@code stopSequences}</td></tr>
 *   <tr><td>{@code tools}</td><td>one {@code tools[0].functionDeclarations} with {@code name},
 *       {@code description} and the JSON schema as {@code parametersJsonSchema} (Gemini's field
 *       for standard JSON Schema, so nothing is cleaned away); {@code strict: true} is dropped</td></tr>
 *   <tr><td>{@code tool_choice}</td><td>{@code toolConfig.functionCallingConfig.mode}: {@code none}
 *       to {@code NONE}, {@code auto} to {@code AUTO}, {@code required} to {@code ANY}, a named
 *       function to {@code ANY} with {@code allowedFunctionNames: [name]}</td></tr>
 *   <tr><td>{@code parallel_tool_calls: false}</td><td>dropped (Gemini has no switch for it)</td></tr>
 *   <tr><td>{@code response_format}</td><td>{@code json_object}: {@code responseMimeType:
 *       application/json}; {@code json_schema}: the same plus the schema as
 *       {@code responseJsonSchema}; {@code text}: nothing</td></tr>
 *   <tr><td>{@code reasoning_effort}</td><td>{@code thinkingConfig} with {@code includeThoughts:
 *       true} (so thoughts come back as {@code reasoning_content}). Gemini 2.x models (model
 *       name starting {@code gemini-2}) take a token budget: {@link #EFFORT_BUDGETS}, {@code none}
 *       is 0 (thinking off, no thoughts asked). Later models take {@code thinkingLevel}:
 *       {@code minimal}, {@code low}, {@code medium}, {@code high} as named, and {@code none} as
 *       {@code minimal} (their least: Gemini 3 cannot switch thinking off). A
 *       {@code thinkingConfig} the client sends itself (an extension, Gemini's own object) wins
 *       and is copied as is.</td></tr>
 *   <tr><td>{@code n} above 1 with {@code stream}</td><td>translated; chunks carry each
 *       candidate's index</td></tr>
 *   <tr><td>{@code audio}, audio {@code modalities}, {@code functions}, {@code function_call}</td>
 *       <td>refused (400)</td></tr>
 *   <tr><td>everything else, e.g. {@code logprobs}, {@code top_logprobs}, {@code logit_bias},
 *       {@code user}, {@code service_tier}, {@code store}, {@code metadata}, {@code prediction},
 *       unknown fields</td><td>dropped and listed in {@link GeminiRequest#droppedParams()},
 *       unless its value is OpenAI's default (null, {@code false}, 0), which changes nothing</td></tr>
 * </table>
 * Immutable; one instance serves any number of requests on any thread.
 */
public final class OpenAiToGeminiRequest {
    /** The {@code thinkingBudget} for each {@code reasoning_effort}, for Gemini 2.x models. */
    public static final Map<String, Integer> EFFORT_BUDGETS =
            Map.of("none", 0, "minimal", 512, "low", 1024, "medium", 8192, "high", 24576);
    private static final Set<String> LEVELS = Set.of("minimal", "low", "medium", "high");

    /** Parameters this class reads; everything else is dropped and listed. */
    private static final Set<String> HANDLED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "top_k", "seed", "presence_penalty", "frequency_penalty", "n", "stop", "stream",
            "stream_options", "tools", "tool_choice", "parallel_tool_calls", "response_format", "reasoning_effort",
            "thinkingConfig", "audio", "modalities", "functions", "function_call");

    /**
     * @param request an OpenAI chat completions request body; not modified
     * @param model   the Gemini model the request goes to (it decides how {@code reasoning_effort} is said)
     * @throws TranslationException (400) for a request Gemini cannot serve as asked
     */
    public GeminiRequest translate(JsonNode request, String model) throws TranslationException {
        if (request == null || !request.isObject()) {
            throw new TranslationException("the request body must be a JSON object", null);
        }
        refuseUnsupported(request);
        Set<String> dropped = new LinkedHashSet<>();
        noteDropped(request, HANDLED, dropped);

        OpenAiMessagesToGemini messages = new OpenAiMessagesToGemini(dropped);
        messages.translate(request.get("messages"));

        ObjectNode out = Json.object();
        out.set("contents", messages.contents());
        ObjectNode system = messages.systemInstruction();
        if (system != null) {
            out.set("systemInstruction", system);
        }
        ArrayNode declarations = functionDeclarations(request.get("tools"), dropped);
        if (declarations != null) {
            out.putArray("tools").addObject().set("functionDeclarations", declarations);
        }
        ObjectNode toolConfig = toolConfig(request.get("tool_choice"), declarations != null);
        if (toolConfig != null) {
            out.set("toolConfig", toolConfig);
        }
        JsonNode parallel = request.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean() && !parallel.booleanValue() && declarations != null) {
            dropped.add("parallel_tool_calls");
        }

        ObjectNode config = Json.object();
        Integer maxTokens = maxTokens(request);
        if (maxTokens != null) {
            config.put("maxOutputTokens", maxTokens);
        }
        copyNumber(request, "temperature", config, "temperature");
        copyNumber(request, "top_p", config, "topP");
        copyNumber(request, "top_k", config, "topK");
        copyNumber(request, "presence_penalty", config, "presencePenalty");
        copyNumber(request, "frequency_penalty", config, "frequencyPenalty");
        copyInteger(request, "seed", config, "seed");
        int candidates = candidates(request);
        if (candidates > 1) {
            config.put("candidateCount", candidates);
        }
        ArrayNode stop = stopSequences(request.get("stop"));
        if (stop != null) {
            config.set("stopSequences", stop);
        }
        responseFormat(request.get("response_format"), config);
        ObjectNode thinking = thinkingConfig(request, model);
        if (thinking != null) {
            config.set("thinkingConfig", thinking);
        }
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
        }
        return new GeminiRequest(out, stream(request), candidates, List.copyOf(dropped));
    }

    private static void refuseUnsupported(JsonNode request) throws TranslationException {
        refuseNonTextAndLegacyFunctions(request, "audio output is not supported for Gemini models through the gateway",
                "only the text modality is supported for Gemini models");
    }

    private static ArrayNode functionDeclarations(JsonNode tools, Set<String> dropped) throws TranslationException {
        tools = FunctionTool.array(tools);
        if (tools == null || tools.isEmpty()) {
            return null;
        }
        ArrayNode declarations = Json.array();
        for (int i = 0; i < tools.size(); i++) {
            FunctionTool tool = FunctionTool.read(tools, i);
            ObjectNode declaration = declarations.addObject();
            declaration.put("name", tool.name());
            if (tool.description() != null) {
                declaration.put("description", tool.description());
            }
            if (tool.parameters() != null) {
                declaration.set("parametersJsonSchema", tool.parameters().deepCopy());
            }
            if (tool.strict()) {
                dropped.add("tools[].function.strict");
            }
        }
        return declarations;
    }

    private static ObjectNode toolConfig(JsonNode choice, boolean hasTools) throws TranslationException {
        if (choice == null || choice.isNull()) {
            return null;
        }
        ObjectNode calling = Json.object();
        if (choice.isTextual()) {
            calling.put("mode", switch (choice.textValue()) {
                case "auto" -> "AUTO";
                case "required" -> "ANY";
                case "none" -> "NONE";
                default -> throw new TranslationException("tool_choice \"" + choice.textValue()
                        + "\" is not supported (expected: auto, required, none or a function)", "tool_choice");
            });
        } else if (choice.isObject()) {
            if (!"function".equals(Json.string(choice, "type"))) {
                throw new TranslationException("tool_choice must name a function: {\"type\":\"function\","
                        + "\"function\":{\"name\":...}}", "tool_choice.type");
            }
            calling.put("mode", "ANY");
            calling.putArray("allowedFunctionNames").add(requireString(
                    choice.path("function"), "name", "tool_choice.function"));
        } else {
            throw new TranslationException("tool_choice must be a string or an object", "tool_choice");
        }
        if (!hasTools) {
            if ("NONE".equals(calling.get("mode").textValue()) || "AUTO".equals(calling.get("mode").textValue())) {
                return null;
            }
            throw new TranslationException("tool_choice requires tools", "tool_choice");
        }
        ObjectNode config = Json.object();
        config.set("functionCallingConfig", calling);
        return config;
    }

    private static void responseFormat(JsonNode format, ObjectNode config) throws TranslationException {
        if (format == null || format.isNull()) {
            return;
        }
        String type = Json.string(format, "type");
        switch (type == null ? "" : type) {
            case "text" -> {
            }
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema").get("schema");
                config.put("responseMimeType", "application/json");
                if (schema != null && !schema.isNull()) {
                    if (!schema.isObject()) {
                        throw new TranslationException("response_format.json_schema.schema must be a JSON schema object",
                                "response_format.json_schema.schema");
                    }
                    config.set("responseJsonSchema", schema.deepCopy());
                }
            }
            default -> throw new TranslationException("response_format type must be text, json_object or json_schema",
                    "response_format.type");
        }
    }

    private static ObjectNode thinkingConfig(JsonNode request, String model) throws TranslationException {
        JsonNode explicit = request.get("thinkingConfig");
        if (explicit != null && !explicit.isNull()) {
            if (!explicit.isObject()) {
                throw new TranslationException("thinkingConfig must be an object (Gemini's thinkingConfig)",
                        "thinkingConfig");
            }
            return (ObjectNode) explicit.deepCopy();
        }
        JsonNode effort = request.get("reasoning_effort");
        if (effort == null || effort.isNull()) {
            return null;
        }
        String value = effort.isTextual() ? effort.textValue() : "";
        if (!EFFORT_BUDGETS.containsKey(value)) {
            throw new TranslationException("reasoning_effort must be none, minimal, low, medium or high",
                    "reasoning_effort");
        }
        ObjectNode thinking = Json.object();
        if (usesThinkingBudget(model)) {
            int budget = EFFORT_BUDGETS.get(value);
            thinking.put("thinkingBudget", budget);
            if (budget > 0) {
                thinking.put("includeThoughts", true);
            }
        } else {
            thinking.put("thinkingLevel", LEVELS.contains(value) ? value : "minimal");
            thinking.put("includeThoughts", true);
        }
        return thinking;
    }

    /** Gemini 2.x models take {@code thinkingBudget}; Gemini 3 and later {@code thinkingLevel}. */
    static boolean usesThinkingBudget(String model) {
        String name = model.startsWith("models/") ? model.substring(7) : model;
        return name.startsWith("gemini-2") || name.startsWith("gemini-1");
    }

    private static int candidates(JsonNode request) throws TranslationException {
        JsonNode n = request.get("n");
        if (n == null || n.isNull()) {
            return 1;
        }
        if (!n.isIntegralNumber() || n.intValue() < 1 || n.intValue() > 8) {
            throw new TranslationException("n must be an integer from 1 to 8 for Gemini models", "n");
        }
        return n.intValue();
    }

            private static void copyInteger(JsonNode request, String field, ObjectNode config, String geminiField)
            throws TranslationException {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber()) {
            throw new TranslationException(field + " must be an integer", field);
        }
        config.set(geminiField, value);
    }

    }
