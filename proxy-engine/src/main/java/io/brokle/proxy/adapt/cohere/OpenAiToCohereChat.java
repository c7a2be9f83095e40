package io.brokle.proxy.adapt.cohere;

import static io.brokle.proxy.adapt.OpenAiParameters.copyNumber;
import static io.brokle.proxy.adapt.OpenAiParameters.hasEffect;
import static io.brokle.proxy.adapt.OpenAiParameters.maxTokens;
import static io.brokle.proxy.adapt.OpenAiParameters.refuseNonTextAndLegacyFunctions;
import static io.brokle.proxy.adapt.OpenAiParameters.refuseSeveralChoices;
import static io.brokle.proxy.adapt.OpenAiParameters.requireString;
import static io.brokle.proxy.adapt.OpenAiParameters.stopSequences;
import static io.brokle.proxy.adapt.OpenAiParameters.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.FunctionTool;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI Chat Completions request as a Cohere v2 chat request ({@code POST /v2/chat}).
 * Messages follow {@link OpenAiMessagesToCohere}; the rest:
 * <table>
 *   <caption>OpenAI parameter to Cohere</caption>
 *   <tr><td>{@code model}</td><td>copied (the gateway puts the deployment's name in)</td></tr>
 *   <tr><td>{@code stream}</td><td>{@code stream}, always sent ({@code true} or {@code false});
 *       {@code stream_options} is the gateway's business (Cohere always reports usage)</td></tr>
 *   <tr><td>{@code max_completion_tokens}, else {@code max_tokens}</td><td>{@code max_tokens}</td></tr>
 *   <tr><td>{@code temperature}, {@code seed}</td><td>copied</td></tr>
 *   <tr><td>{@code top_p}</td><td>{@code p}; outside Cohere's range 0.01 to 0.99 it is clamped
 *       into it and listed as dropped</td></tr>
 *   <tr><td>{@code top_k} (an extension)</td><td>{@code k}</td></tr>
 *   <tr><td>{@code frequency_penalty}, {@code presence_penalty}</td><td>copied; outside
 *       Cohere's range 0 to 1 they are clamped into it and listed as dropped</td></tr>
 *   <tr><td>{@code stop} (string or list)</td><td>{@code stop_sequences}</td></tr>
 *   <tr><td>{@code tools}</td><td>copied ({@code {type: function, function: {name,
 *       description, parameters}}} is Cohere's shape too); {@code strict: true} on any tool
 *       sets {@code strict_tools: true}, which Cohere applies to all of them</td></tr>
 *   <tr><td>{@code tool_choice}</td><td>{@code auto}: nothing (Cohere's default);
 *       {@code required}: {@code REQUIRED}; {@code none}: {@code NONE}; a named function:
 *       {@code REQUIRED} with {@code tools} cut down to that one function (Cohere cannot name
 *       a tool, but a required call among one tool is that tool)</td></tr>
 *   <tr><td>{@code response_format}</td><td>{@code text}: nothing; {@code json_object}:
 *       {@code {type: json_object}}; {@code json_schema}: {@code {type: json_object,
 *       json_schema: <schema>}} (its {@code name}, {@code description} and {@code strict}
 *       have no Cohere field: the schema is always enforced)</td></tr>
 *   <tr><td>{@code reasoning_effort}</td><td>{@code thinking}: {@code none} and
 *       {@code minimal} disable it, {@code low}, {@code medium}, {@code high} enable it with a
 *       {@code token_budget} of {@link #EFFORT_BUDGETS}</td></tr>
 *   <tr><td>{@code thinking}, {@code safety_mode}, {@code documents}, {@code citation_options},
 *       {@code strict_tools} (Cohere's own fields, as extensions)</td><td>copied as sent;
 *       {@code thinking} wins over {@code reasoning_effort}, which is then dropped</td></tr>
 *   <tr><td>{@code n} above 1, {@code audio}, audio {@code modalities}, {@code functions},
 *       {@code function_call}</td><td>refused (400)</td></tr>
 *   <tr><td>everything else, e.g. {@code logprobs}, {@code top_logprobs},
 *       {@code parallel_tool_calls}, {@code logit_bias}, {@code user}, {@code service_tier},
 *       {@code store}, {@code metadata}, {@code prediction}, unknown fields</td><td>dropped and
 *       listed, unless the value changes nothing (null, {@code false}, 0, {@code n: 1},
 *       {@code parallel_tool_calls: true})</td></tr>
 * </table>
 * Immutable and stateless: one instance serves any number of requests on any thread.
 */
public final class OpenAiToCohereChat {
    /** The thinking token budget for each {@code reasoning_effort} that turns thinking on. */
    public static final Map<String, Integer> EFFORT_BUDGETS = Map.of("low", 1024, "medium", 4096, "high", 16384);
    /** Cohere's range for {@code p}. */
    static final double MIN_P = 0.01;
    static final double MAX_P = 0.99;

    private static final Set<String> HANDLED = Set.of("model", "messages", "stream", "stream_options",
            "max_tokens", "max_completion_tokens", "temperature", "seed", "top_p", "top_k", "frequency_penalty",
            "presence_penalty", "stop", "tools", "tool_choice", "response_format", "reasoning_effort", "n", "audio",
            "modalities", "functions", "function_call", "parallel_tool_calls");
    /** Cohere's own request fields, accepted as extensions and copied as sent. */
    private static final Set<String> COHERE_FIELDS = Set.of("thinking", "safety_mode", "documents",
            "citation_options", "strict_tools");

    /**
     * @param request an OpenAI chat completions request body; not modified
     * @throws TranslationException (400) for a request Cohere cannot serve as asked
     */
    public CohereRequest translate(JsonNode request) throws TranslationException {
        if (request == null || !request.isObject()) {
            throw new TranslationException("the request body must be a JSON object", null);
        }
        refuseUnsupported(request);
        Set<String> dropped = new LinkedHashSet<>();
        noteDropped(request, dropped);

        ObjectNode out = Json.object();
        out.set("model", request.get("model"));
        out.set("messages", new OpenAiMessagesToCohere(dropped).translate(request.get("messages")));
        out.put("stream", stream(request));
        tools(request, out);
        Integer maxTokens = maxTokens(request);
        if (maxTokens != null) {
            out.put("max_tokens", maxTokens);
        }
        copyNumber(request, "temperature", out, "temperature");
        JsonNode seed = request.get("seed");
        if (seed != null && !seed.isNull()) {
            if (!seed.isIntegralNumber()) {
                throw new TranslationException("seed must be an integer", "seed");
            }
            out.set("seed", seed);
        }
        clamped(request, "top_p", "p", MIN_P, MAX_P, out, dropped);
        copyNumber(request, "top_k", out, "k");
        clamped(request, "frequency_penalty", "frequency_penalty", 0, 1, out, dropped);
        clamped(request, "presence_penalty", "presence_penalty", 0, 1, out, dropped);
        ArrayNode stop = stopSequences(request.get("stop"));
        if (stop != null) {
            out.set("stop_sequences", stop);
        }
        ObjectNode format = responseFormat(request.get("response_format"));
        if (format != null) {
            out.set("response_format", format);
        }
        thinking(request, out, dropped);
        for (String field : COHERE_FIELDS) {
            if (Json.present(request, field) && !out.has(field)) {
                out.set(field, request.get(field).deepCopy());
            }
        }
        return new CohereRequest(out, new ArrayList<>(dropped));
    }

    private static void refuseUnsupported(JsonNode request) throws TranslationException {
        JsonNode model = request.get("model");
        if (model == null || !model.isTextual()) {
            throw new TranslationException("model must be a string", "model");
        }
        refuseSeveralChoices(request, "n must be 1 for Cohere models (one choice per request)");
        refuseNonTextAndLegacyFunctions(request, "audio output is not supported by Cohere models",
                "only the text modality is supported by Cohere models");
    }

    private static void noteDropped(JsonNode request, Set<String> dropped) {
        request.fieldNames().forEachRemaining(field -> {
            JsonNode value = request.get(field);
            if ("parallel_tool_calls".equals(field)) {
                // true is what Cohere does anyway; false (one call at a time) has no Cohere field.
                if (!value.isNull() && !(value.isBoolean() && value.booleanValue())) {
                    dropped.add(field);
                }
                return;
            }
            if (HANDLED.contains(field) || COHERE_FIELDS.contains(field)) {
                return;
            }
            if (hasEffect(value)) {
                dropped.add(field);
            }
        });
    }

    private static void tools(JsonNode request, ObjectNode out) throws TranslationException {
        JsonNode tools = request.get("tools");
        JsonNode choice = request.get("tool_choice");
        ArrayNode cohereTools = Json.array();
        boolean strict = false;
        if (FunctionTool.array(tools) != null) {
            for (int i = 0; i < tools.size(); i++) {
                FunctionTool tool = FunctionTool.read(tools, i);
                ObjectNode outFunction = Json.object();
                outFunction.put("name", tool.name());
                if (tool.description() != null) {
                    outFunction.put("description", tool.description());
                }
                if (tool.parameters() != null) {
                    outFunction.set("parameters", tool.parameters().deepCopy());
                }
                strict |= tool.strict();
                ObjectNode outTool = cohereTools.addObject();
                outTool.put("type", "function");
                outTool.set("function", outFunction);
            }
        }
        String cohereChoice = null;
        if (choice != null && choice.isTextual()) {
            cohereChoice = switch (choice.textValue()) {
                case "auto" -> null;
                case "required" -> "REQUIRED";
                case "none" -> "NONE";
                default -> throw new TranslationException("tool_choice \"" + choice.textValue()
                        + "\" is not supported (expected: auto, required, none or a function)", "tool_choice");
            };
        } else if (choice != null && choice.isObject()) {
            if (!"function".equals(Json.string(choice, "type"))) {
                throw new TranslationException("tool_choice must name a function: {\"type\":\"function\","
                        + "\"function\":{\"name\":...}}", "tool_choice.type");
            }
            String name = requireString(choice.path("function"), "name", "tool_choice.function");
            ArrayNode only = Json.array();
            for (JsonNode tool : cohereTools) {
                if (name.equals(tool.path("function").path("name").asText())) {
                    only.add(tool);
                }
            }
            if (only.isEmpty()) {
                throw new TranslationException("tool_choice names function \"" + name + "\", which is not in tools",
                        "tool_choice.function.name");
            }
            cohereTools = only;
            cohereChoice = "REQUIRED";
        } else if (choice != null && !choice.isNull()) {
            throw new TranslationException("tool_choice must be a string or an object", "tool_choice");
        }
        if (!cohereTools.isEmpty()) {
            out.set("tools", cohereTools);
            if (strict) {
                out.put("strict_tools", true);
            }
            if (cohereChoice != null) {
                out.put("tool_choice", cohereChoice);
            }
        } else if ("REQUIRED".equals(cohereChoice)) {
            throw new TranslationException("tool_choice \"required\" needs tools", "tool_choice");
        }
    }

            private static void clamped(JsonNode request, String field, String cohereField, double min, double max,
                                ObjectNode out, Set<String> dropped) throws TranslationException {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw new TranslationException(field + " must be a number", field);
        }
        double v = value.doubleValue();
        if (v < min || v > max) {
            dropped.add(field);
            out.put(cohereField, Math.max(min, Math.min(max, v)));
        } else {
            out.set(cohereField, value);
        }
    }

    private static ObjectNode responseFormat(JsonNode format) throws TranslationException {
        if (format == null || format.isNull()) {
            return null;
        }
        String type = Json.string(format, "type");
        if ("text".equals(type)) {
            return null;
        }
        ObjectNode out = Json.object();
        out.put("type", "json_object");
        if ("json_object".equals(type)) {
            return out;
        }
        if (!"json_schema".equals(type)) {
            throw new TranslationException("response_format type must be text, json_object or json_schema",
                    "response_format.type");
        }
        JsonNode schema = format.path("json_schema").get("schema");
        if (schema == null || !schema.isObject()) {
            throw new TranslationException("response_format.json_schema.schema must be a JSON schema object",
                    "response_format.json_schema.schema");
        }
        out.set("json_schema", schema.deepCopy());
        return out;
    }

    private static void thinking(JsonNode request, ObjectNode out, Set<String> dropped) throws TranslationException {
        boolean explicit = Json.present(request, "thinking");
        if (explicit) {
            JsonNode thinking = request.get("thinking");
            String type = Json.string(thinking, "type");
            if (!thinking.isObject() || !("enabled".equals(type) || "disabled".equals(type))) {
                throw new TranslationException("thinking must be {\"type\":\"enabled\",\"token_budget\":N} or "
                        + "{\"type\":\"disabled\"}", "thinking");
            }
            if (Json.present(request, "reasoning_effort")) {
                dropped.add("reasoning_effort");
            }
            return;
        }
        JsonNode effort = request.get("reasoning_effort");
        if (effort == null || effort.isNull()) {
            return;
        }
        String value = effort.isTextual() ? effort.textValue() : "";
        ObjectNode thinking = Json.object();
        if ("none".equals(value) || "minimal".equals(value)) {
            thinking.put("type", "disabled");
        } else if (EFFORT_BUDGETS.containsKey(value)) {
            thinking.put("type", "enabled");
            thinking.put("token_budget", EFFORT_BUDGETS.get(value));
        } else {
            throw new TranslationException("reasoning_effort must be none, minimal, low, medium or high",
                    "reasoning_effort");
        }
        out.set("thinking", thinking);
    }

    }
