package io.brokle.proxy.adapt.anthropic;

import static io.brokle.proxy.adapt.OpenAiParameters.copyNumber;
import static io.brokle.proxy.adapt.OpenAiParameters.emptyObjectSchema;
import static io.brokle.proxy.adapt.OpenAiParameters.maxTokens;
import static io.brokle.proxy.adapt.OpenAiParameters.noteDropped;
import static io.brokle.proxy.adapt.OpenAiParameters.refuseNonTextAndLegacyFunctions;
import static io.brokle.proxy.adapt.OpenAiParameters.refuseSeveralChoices;
import static io.brokle.proxy.adapt.OpenAiParameters.requireString;
import static io.brokle.proxy.adapt.OpenAiParameters.stopSequences;
import static io.brokle.proxy.adapt.OpenAiParameters.stream;

import io.brokle.proxy.adapt.FunctionTool;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI Chat Completions request as an Anthropic Messages request
 * ({@code POST /v1/messages}). Messages and content follow {@link OpenAiMessagesToAnthropic};
 * the rest:
 * <table>
 *   <caption>OpenAI parameter to Anthropic</caption>
 *   <tr><td>{@code model}</td><td>copied (the gateway puts the deployment's name in)</td></tr>
 *   <tr><td>{@code max_completion_tokens}, else {@code max_tokens}</td><td>{@code max_tokens};
 *       when neither is given, {@link #DEFAULT_MAX_TOKENS} (or the constructor's value) plus
 *       the thinking budget, since Anthropic requires one</td></tr>
 *   <tr><td>{@code temperature}</td><td>copied; above Anthropic's maximum of 1 it is clamped to
 *       1 and listed as dropped</td></tr>
 *   <tr><td>{@code top_p}, {@code top_k} (an extension)</td><td>copied</td></tr>
 *   <tr><td>{@code stop} (string or list)</td><td>{@code stop_sequences}</td></tr>
 *   <tr><td>{@code user}</td><td>{@code metadata.user_id}</td></tr>
 *   <tr><td>{@code stream}</td><td>copied; {@code stream_options.include_usage} goes to
 *       {@link ReplyOptions#includeUsage()} (Anthropic always reports usage)</td></tr>
 *   <tr><td>{@code tools}</td><td>{@code {name, description, input_schema}} (no
 *       {@code parameters}: an empty object schema); {@code cache_control} on a tool is kept;
 *       {@code strict} is dropped</td></tr>
 *   <tr><td>{@code tool_choice}</td><td>{@code auto} to {@code auto}, {@code required} to
 *       {@code any}, {@code none} to {@code none}, a named function to {@code tool};
 *       {@code parallel_tool_calls: false} adds {@code disable_parallel_tool_use}</td></tr>
 *   <tr><td>{@code thinking} (an extension, Anthropic's own object)</td><td>copied as is; it
 *       wins over {@code reasoning_effort}, which is then dropped</td></tr>
 *   <tr><td>{@code reasoning_effort}</td><td>{@code thinking} with a budget of
 *       {@link #EFFORT_BUDGETS} ({@code none} and {@code minimal}: no thinking), cut to
 *       {@code max_tokens - 1}; a budget below {@link #MIN_THINKING_BUDGET} is refused</td></tr>
 *   <tr><td>{@code response_format}</td><td>{@code text}: nothing. {@code json_schema}: a
 *       tool named after the schema with the schema as its {@code input_schema}, forced with
 *       {@code tool_choice}; the answer's {@code tool_use} input comes back as the message
 *       content ({@link ReplyOptions#jsonResponseTool()}). {@code json_object}: the same with
 *       the tool {@link #JSON_OBJECT_TOOL} and schema {@code {"type":"object"}}. Refused (400)
 *       with {@code tools} (the forced tool would hide them), with thinking (Anthropic does
 *       not force tools while thinking), and for a schema whose root is not an object.</td></tr>
 *   <tr><td>{@code n} above 1, {@code audio}, audio {@code modalities}, {@code functions},
 *       {@code function_call}</td><td>refused (400): the answer could not have the shape the
 *       client asked for</td></tr>
 *   <tr><td>everything else, e.g. {@code logprobs}, {@code top_logprobs},
 *       {@code presence_penalty}, {@code frequency_penalty}, {@code seed},
 *       {@code logit_bias}, {@code service_tier}, {@code store}, {@code metadata},
 *       {@code prediction}, unknown fields</td><td>dropped and listed in
 *       {@link TranslatedRequest#droppedParams()}, unless its value is the OpenAI default
 *       (null, {@code false}, 0, {@code n: 1}), which changes nothing</td></tr>
 * </table>
 * Immutable; one instance serves any number of requests on any thread.
 */
public final class OpenAiToAnthropicRequest {
    /** {@code max_tokens} when the client sets no limit: Anthropic requires one. */
    public static final int DEFAULT_MAX_TOKENS = 4096;
    /** Anthropic's smallest {@code thinking.budget_tokens}. */
    public static final int MIN_THINKING_BUDGET = 1024;
    /** The thinking budget for each {@code reasoning_effort}. */
    public static final Map<String, Integer> EFFORT_BUDGETS = Map.of("low", 1024, "medium", 4096, "high", 16384);
    /** The forced tool that carries a {@code response_format: json_object} answer. */
    public static final String JSON_OBJECT_TOOL = "json_object";

    /** Parameters this class reads; everything else is dropped and listed. */
    private static final Set<String> HANDLED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "top_k", "stop", "stream", "stream_options", "user", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "reasoning_effort", "thinking", "n", "audio", "modalities",
            "functions", "function_call");

    private final int defaultMaxTokens;

    /** Uses {@link #DEFAULT_MAX_TOKENS}. */
    public OpenAiToAnthropicRequest() {
        this(DEFAULT_MAX_TOKENS);
    }

    /** @param defaultMaxTokens {@code max_tokens} for requests that set no limit */
    public OpenAiToAnthropicRequest(int defaultMaxTokens) {
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens: " + defaultMaxTokens + " (expected: >= 1)");
        }
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /**
     * @param request an OpenAI chat completions request body; not modified
     * @return the Anthropic body, the dropped parameters, and what the answer's translator needs
     * @throws TranslationException (400) for a request Anthropic cannot serve as asked
     */
    public TranslatedRequest translate(JsonNode request) throws TranslationException {
        if (request == null || !request.isObject()) {
            throw new TranslationException("the request body must be a JSON object", null);
        }
        Set<String> dropped = new LinkedHashSet<>();
        refuseUnsupported(request);
        noteDropped(request, HANDLED, dropped);

        OpenAiMessagesToAnthropic messages = new OpenAiMessagesToAnthropic(dropped);
        messages.translate(request.get("messages"));
        ArrayNode tools = tools(request.get("tools"), dropped);
        ObjectNode toolChoice = toolChoice(request, tools);

        ObjectNode thinking = null;
        int effortBudget = 0;
        if (Json.present(request, "thinking")) {
            thinking = explicitThinking(request.get("thinking"));
            if (Json.present(request, "reasoning_effort")) {
                dropped.add("reasoning_effort");
            }
        } else if (Json.present(request, "reasoning_effort")) {
            effortBudget = effortBudget(request.get("reasoning_effort"));
        }
        boolean thinkingOn = effortBudget > 0 || (thinking != null && "enabled".equals(Json.string(thinking, "type")));

        Integer requestedMax = maxTokens(request);
        int maxTokens;
        if (requestedMax == null) {
            int budget = effortBudget > 0 ? effortBudget
                    : thinking != null ? (int) Json.count(thinking, "budget_tokens") : 0;
            maxTokens = defaultMaxTokens + budget;
        } else {
            maxTokens = requestedMax;
        }
        if (effortBudget > 0) {
            int budget = Math.min(effortBudget, maxTokens - 1);
            if (budget < MIN_THINKING_BUDGET) {
                throw new TranslationException("with reasoning_effort, max_completion_tokens must be more than "
                        + MIN_THINKING_BUDGET + " (Anthropic's smallest thinking budget)",
                        Json.present(request, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
            }
            thinking = Json.object();
            thinking.put("type", "enabled");
            thinking.put("budget_tokens", budget);
        }

        String jsonTool = null;
        JsonNode responseFormat = request.get("response_format");
        if (responseFormat != null && !responseFormat.isNull()) {
            ObjectNode tool = responseFormatTool(responseFormat);
            if (tool != null) {
                if (tools != null) {
                    throw new TranslationException("response_format json_schema/json_object cannot be combined with "
                            + "tools for Anthropic models", "response_format");
                }
                if (thinkingOn) {
                    throw new TranslationException("response_format json_schema/json_object cannot be combined with "
                            + "thinking for Anthropic models (a forced tool is not allowed while thinking)",
                            "response_format");
                }
                jsonTool = tool.get("name").textValue();
                tools = Json.array().add(tool);
                toolChoice = Json.object();
                toolChoice.put("type", "tool");
                toolChoice.put("name", jsonTool);
            }
        }

        ObjectNode out = Json.object();
        out.set("model", request.get("model"));
        out.put("max_tokens", maxTokens);
        JsonNode system = messages.system();
        if (system != null) {
            out.set("system", system);
        }
        out.set("messages", messages.messages());
        if (tools != null) {
            out.set("tools", tools);
        }
        if (toolChoice != null) {
            out.set("tool_choice", toolChoice);
        }
        ArrayNode stop = stopSequences(request.get("stop"));
        if (stop != null) {
            out.set("stop_sequences", stop);
        }
        temperature(request, out, dropped);
        copyNumber(request, "top_p", out, "top_p");
        copyNumber(request, "top_k", out, "top_k");
        if (Json.present(request, "user")) {
            if (!request.get("user").isTextual()) {
                throw new TranslationException("user must be a string", "user");
            }
            out.putObject("metadata").put("user_id", request.get("user").textValue());
        }
        boolean stream = stream(request);
        if (stream) {
            out.put("stream", true);
        }
        if (thinking != null) {
            out.set("thinking", thinking);
        }
        boolean includeUsage = stream && request.path("stream_options").path("include_usage").asBoolean(false);
        return new TranslatedRequest(out, new ArrayList<>(dropped), new ReplyOptions(jsonTool, includeUsage));
    }

    private static void refuseUnsupported(JsonNode request) throws TranslationException {
        JsonNode model = request.get("model");
        if (model == null || !model.isTextual()) {
            throw new TranslationException("model must be a string", "model");
        }
        refuseSeveralChoices(request, "n must be 1 for Anthropic models (one choice per request)");
        refuseNonTextAndLegacyFunctions(request, "audio output is not supported by Anthropic models",
                "only the text modality is supported by Anthropic models");
    }

    private static ArrayNode tools(JsonNode openAiTools, Set<String> dropped) throws TranslationException {
        openAiTools = FunctionTool.array(openAiTools);
        if (openAiTools == null || openAiTools.isEmpty()) {
            return null;
        }
        ArrayNode tools = Json.array();
        for (int i = 0; i < openAiTools.size(); i++) {
            FunctionTool tool = FunctionTool.read(openAiTools, i);
            ObjectNode out = tools.addObject();
            out.put("name", tool.name());
            if (tool.description() != null) {
                out.put("description", tool.description());
            }
            out.set("input_schema", tool.parameters() != null ? tool.parameters().deepCopy() : emptyObjectSchema());
            if (tool.strict()) {
                dropped.add("tools[].function.strict");
            }
            OpenAiMessagesToAnthropic.copyCacheControl(tool.function(), out, tool.path() + ".function");
            OpenAiMessagesToAnthropic.copyCacheControl(tool.tool(), out, tool.path());
        }
        return tools;
    }

    private static ObjectNode toolChoice(JsonNode request, ArrayNode tools) throws TranslationException {
        JsonNode choice = request.get("tool_choice");
        ObjectNode out = null;
        if (choice != null && choice.isTextual()) {
            out = Json.object();
            out.put("type", switch (choice.textValue()) {
                case "auto" -> "auto";
                case "required" -> "any";
                case "none" -> "none";
                default -> throw new TranslationException("tool_choice \"" + choice.textValue()
                        + "\" is not supported (expected: auto, required, none or a function)", "tool_choice");
            });
        } else if (choice != null && choice.isObject()) {
            if (!"function".equals(Json.string(choice, "type"))) {
                throw new TranslationException("tool_choice must name a function: {\"type\":\"function\","
                        + "\"function\":{\"name\":...}}", "tool_choice.type");
            }
            out = Json.object();
            out.put("type", "tool");
            out.put("name", requireString(choice.path("function"), "name",
                    "tool_choice.function"));
        } else if (choice != null && !choice.isNull()) {
            throw new TranslationException("tool_choice must be a string or an object", "tool_choice");
        }
        if (tools == null && out != null && "none".equals(out.get("type").textValue())) {
            return null;
        }
        JsonNode parallel = request.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean() && !parallel.booleanValue() && tools != null) {
            if (out == null) {
                out = Json.object();
                out.put("type", "auto");
            }
            if (!"none".equals(out.get("type").textValue())) {
                out.put("disable_parallel_tool_use", true);
            }
        }
        return out;
    }

    private static ObjectNode explicitThinking(JsonNode thinking) throws TranslationException {
        String type = Json.string(thinking, "type");
        if (!thinking.isObject() || !("enabled".equals(type) || "disabled".equals(type))) {
            throw new TranslationException("thinking must be {\"type\":\"enabled\",\"budget_tokens\":N} or "
                    + "{\"type\":\"disabled\"}", "thinking");
        }
        if ("enabled".equals(type) && !thinking.path("budget_tokens").isIntegralNumber()) {
            throw new TranslationException("thinking.budget_tokens must be an integer", "thinking.budget_tokens");
        }
        return (ObjectNode) thinking.deepCopy();
    }

    private static int effortBudget(JsonNode effort) throws TranslationException {
        String value = effort.isTextual() ? effort.textValue() : "";
        if ("none".equals(value) || "minimal".equals(value)) {
            return 0;
        }
        Integer budget = EFFORT_BUDGETS.get(value);
        if (budget == null) {
            throw new TranslationException("reasoning_effort must be none, minimal, low, medium or high",
                    "reasoning_effort");
        }
        return budget;
    }

    private static ObjectNode responseFormatTool(JsonNode format) throws TranslationException {
        String type = Json.string(format, "type");
        if ("text".equals(type)) {
            return null;
        }
        ObjectNode tool = Json.object();
        if ("json_object".equals(type)) {
            tool.put("name", JSON_OBJECT_TOOL);
            tool.put("description", "Give your answer as a JSON object: the input of this tool is the answer.");
            tool.putObject("input_schema").put("type", "object");
            return tool;
        }
        if (!"json_schema".equals(type)) {
            throw new TranslationException("response_format type must be text, json_object or json_schema",
                    "response_format.type");
        }
        JsonNode jsonSchema = format.path("json_schema");
        String name = Json.string(jsonSchema, "name");
        if (name == null || !name.matches("[a-zA-Z0-9_-]{1,64}")) {
            throw new TranslationException("response_format.json_schema.name must be 1 to 64 letters, digits, _ or -",
                    "response_format.json_schema.name");
        }
        JsonNode schema = jsonSchema.get("schema");
        if (schema == null || schema.isNull()) {
            schema = emptyObjectSchema();
        }
        if (!schema.isObject() || (schema.has("type") && !"object".equals(Json.string(schema, "type")))) {
            throw new TranslationException("response_format.json_schema.schema must describe a JSON object for "
                    + "Anthropic models", "response_format.json_schema.schema");
        }
        tool.put("name", name);
        String description = Json.string(jsonSchema, "description");
        tool.put("description", description != null ? description
                : "Give your answer as a JSON object matching this schema: the input of this tool is the answer.");
        tool.set("input_schema", schema.deepCopy());
        return tool;
    }

    private static void temperature(JsonNode request, ObjectNode out, Set<String> dropped)
            throws TranslationException {
        JsonNode temperature = request.get("temperature");
        if (temperature == null || temperature.isNull()) {
            return;
        }
        if (!temperature.isNumber()) {
            throw new TranslationException("temperature must be a number", "temperature");
        }
        if (temperature.doubleValue() > 1) {
            dropped.add("temperature");
            out.put("temperature", 1.0);
        } else {
            out.set("temperature", temperature);
        }
    }

            }
