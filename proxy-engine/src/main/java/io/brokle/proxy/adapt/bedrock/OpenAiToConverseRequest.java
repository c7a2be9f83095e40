package io.brokle.proxy.adapt.bedrock;

import static io.brokle.proxy.adapt.OpenAiParameters.copyNumber;
import static io.brokle.proxy.adapt.OpenAiParameters.emptyObjectSchema;
import static io.brokle.proxy.adapt.OpenAiParameters.maxTokens;
import static io.brokle.proxy.adapt.OpenAiParameters.refuseNonTextAndLegacyFunctions;
import static io.brokle.proxy.adapt.OpenAiParameters.refuseSeveralChoices;
import static io.brokle.proxy.adapt.OpenAiParameters.requireString;
import static io.brokle.proxy.adapt.OpenAiParameters.stopSequences;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.FunctionTool;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.OpenAiParameters;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.adapt.anthropic.OpenAiToAnthropicRequest;
import io.brokle.proxy.adapt.anthropic.ReplyOptions;
import io.brokle.proxy.adapt.anthropic.TranslatedRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An OpenAI Chat Completions request as a Bedrock {@code Converse} / {@code ConverseStream} body
 * (the model id goes in the path, not the body). Messages follow {@link OpenAiMessagesToConverse};
 * the rest:
 * <table>
 *   <caption>OpenAI parameter to Converse</caption>
 *   <tr><td>{@code max_completion_tokens}, else {@code max_tokens}</td><td>{@code inferenceConfig.maxTokens}
 *       (none: the model's default, or {@link OpenAiToAnthropicRequest#DEFAULT_MAX_TOKENS} plus the
 *       thinking budget when thinking)</td></tr>
 *   <tr><td>{@code temperature}, {@code top_p}, {@code stop}</td><td>{@code inferenceConfig.temperature},
 *       {@code topP}, {@code stopSequences}; a temperature above 1 (the top of the range of
 *       Bedrock's chat models) is clamped to 1 and listed as dropped</td></tr>
 *   <tr><td>{@code tools}</td><td>{@code toolConfig.tools[].toolSpec {name, description, inputSchema {json}}};
 *       {@code cache_control} on a tool adds a {@code cachePoint} after it; {@code strict} is dropped</td></tr>
 *   <tr><td>{@code tool_choice}</td><td>{@code auto}: {@code {auto:{}}}, {@code required}: {@code {any:{}}},
 *       a function: {@code {tool:{name}}}, {@code none}: no tools at all (when the conversation
 *       already holds tool calls, Bedrock needs the tools declared: they stay, and
 *       {@code tool_choice} is listed as dropped). {@code any} and {@code tool} are honoured by
 *       Anthropic Claude, Mistral Large and Amazon Nova models only.</td></tr>
 *   <tr><td>{@code parallel_tool_calls: false}</td><td>dropped (Converse has no such switch)</td></tr>
 *   <tr><td>{@code reasoning_effort}</td><td>for Anthropic Claude models,
 *       {@code additionalModelRequestFields.thinking} with the budgets of
 *       {@link OpenAiToAnthropicRequest#EFFORT_BUDGETS} ({@code none}, {@code minimal}: no thinking);
 *       for other models, dropped</td></tr>
 *   <tr><td>{@code response_format}</td><td>Converse has no JSON mode: {@code json_schema} and
 *       {@code json_object} become a forced tool whose input is the answer, as for Anthropic
 *       ({@link ReplyOptions#jsonResponseTool()}); refused (400) with {@code tools}, with
 *       {@code reasoning_effort}, and for a schema whose root is not an object</td></tr>
 *   <tr><td>{@code stream}, {@code stream_options.include_usage}</td><td>choose
 *       {@code converse-stream}; usage is always reported by Bedrock</td></tr>
 *   <tr><td>{@code n} above 1, {@code audio}, audio {@code modalities}, {@code functions},
 *       {@code function_call}</td><td>refused (400)</td></tr>
 *   <tr><td>everything else ({@code seed}, {@code logprobs}, penalties, {@code user}, {@code top_k},
 *       {@code metadata}, ...)</td><td>dropped and listed, unless its value changes nothing</td></tr>
 * </table>
 * Immutable and thread-safe.
 */
public final class OpenAiToConverseRequest {
    private static final Set<String> HANDLED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "stop", "stream", "stream_options", "tools", "tool_choice",
            "response_format", "reasoning_effort", "n", "audio", "modalities", "functions", "function_call",
            "parallel_tool_calls");

    /**
     * @param request an OpenAI chat completions request body; not modified
     * @param modelId the Bedrock model id (decides whether reasoning can be asked for)
     * @throws TranslationException (400) for a request Converse cannot serve as asked
     */
    public TranslatedRequest translate(JsonNode request, String modelId) throws TranslationException {
        if (request == null || !request.isObject()) {
            throw new TranslationException("the request body must be a JSON object", null);
        }
        refuseUnsupported(request);
        Set<String> dropped = new LinkedHashSet<>();
        request.fieldNames().forEachRemaining(field -> {
            JsonNode value = request.get(field);
            boolean noEffect = value.isNull() || (value.isBoolean() && !value.booleanValue())
                    || (value.isNumber() && value.doubleValue() == 0);
            if (!HANDLED.contains(field) && !noEffect) {
                dropped.add(field);
            }
        });
        JsonNode parallel = request.get("parallel_tool_calls");
        if (parallel != null && parallel.isBoolean() && !parallel.booleanValue()) {
            dropped.add("parallel_tool_calls");
        }

        OpenAiMessagesToConverse messages = new OpenAiMessagesToConverse(dropped);
        messages.translate(request.get("messages"));
        ArrayNode tools = tools(request.get("tools"), dropped);
        ObjectNode toolChoice = toolChoice(request.get("tool_choice"));
        if (toolChoice != null && toolChoice.has("none")) {
            toolChoice = null;
            if (tools != null && messages.hasToolBlocks()) {
                dropped.add("tool_choice");
            } else {
                tools = null;
            }
        }

        int budget = thinkingBudget(request, modelId, dropped);
        Integer maxTokens = maxTokens(request);
        if (budget > 0) {
            if (maxTokens == null) {
                maxTokens = OpenAiToAnthropicRequest.DEFAULT_MAX_TOKENS + budget;
            }
            budget = Math.min(budget, maxTokens - 1);
            if (budget < OpenAiToAnthropicRequest.MIN_THINKING_BUDGET) {
                throw new TranslationException("with reasoning_effort, max_completion_tokens must be more than "
                        + OpenAiToAnthropicRequest.MIN_THINKING_BUDGET + " (Claude's smallest thinking budget)",
                        Json.present(request, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
            }
        }

        String jsonTool = null;
        ObjectNode formatTool = responseFormatTool(request.get("response_format"));
        if (formatTool != null) {
            if (tools != null) {
                throw new TranslationException("response_format json_schema/json_object cannot be combined with tools "
                        + "for Bedrock models (it is served through a forced tool)", "response_format");
            }
            if (budget > 0) {
                throw new TranslationException("response_format json_schema/json_object cannot be combined with "
                        + "reasoning_effort for Bedrock models (a forced tool is not allowed while thinking)",
                        "response_format");
            }
            jsonTool = formatTool.path("toolSpec").path("name").textValue();
            tools = Json.array().add(formatTool);
            toolChoice = Json.object();
            toolChoice.putObject("tool").put("name", jsonTool);
        }

        ObjectNode out = Json.object();
        out.set("messages", messages.messages());
        if (!messages.system().isEmpty()) {
            out.set("system", messages.system());
        }
        ObjectNode inference = Json.object();
        if (maxTokens != null) {
            inference.put("maxTokens", maxTokens);
        }
        copyNumber(request, "temperature", inference, "temperature");
        if (inference.has("temperature") && inference.get("temperature").doubleValue() > 1) {
            inference.put("temperature", 1.0);
            dropped.add("temperature");
        }
        copyNumber(request, "top_p", inference, "topP");
        ArrayNode stop = stopSequences(request.get("stop"));
        if (stop != null) {
            inference.set("stopSequences", stop);
        }
        if (!inference.isEmpty()) {
            out.set("inferenceConfig", inference);
        }
        if (tools != null) {
            ObjectNode toolConfig = out.putObject("toolConfig");
            toolConfig.set("tools", tools);
            if (toolChoice != null) {
                toolConfig.set("toolChoice", toolChoice);
            }
        }
        if (budget > 0) {
            ObjectNode thinking = out.putObject("additionalModelRequestFields").putObject("thinking");
            thinking.put("type", "enabled");
            thinking.put("budget_tokens", budget);
        }
        boolean stream = stream(request);
        boolean includeUsage = stream && request.path("stream_options").path("include_usage").asBoolean(false);
        return new TranslatedRequest(out, new ArrayList<>(dropped), new ReplyOptions(jsonTool, includeUsage));
    }

    /** Whether the request asks for a stream ({@code converse-stream}); checked by {@link #translate}. */
    public static boolean stream(JsonNode request) throws TranslationException {
        return OpenAiParameters.stream(request);
    }

    /** Whether {@code modelId} is an Anthropic Claude model (also through an inference profile, us.anthropic...). */
    static boolean isClaude(String modelId) {
        return modelId != null && modelId.contains("anthropic.claude");
    }

    private static void refuseUnsupported(JsonNode request) throws TranslationException {
        refuseSeveralChoices(request, "n must be 1 for Bedrock models (one choice per request)");
        refuseNonTextAndLegacyFunctions(request, "audio output is not supported by Bedrock's Converse API",
                "only the text modality is supported by Bedrock's Converse API");
    }

    private static ArrayNode tools(JsonNode openAiTools, Set<String> dropped) throws TranslationException {
        openAiTools = FunctionTool.array(openAiTools);
        if (openAiTools == null || openAiTools.isEmpty()) {
            return null;
        }
        ArrayNode tools = Json.array();
        for (int i = 0; i < openAiTools.size(); i++) {
            FunctionTool tool = FunctionTool.read(openAiTools, i);
            ObjectNode spec = Json.object();
            spec.put("name", tool.name());
            if (tool.description() != null) {
                spec.put("description", tool.description());
            }
            spec.putObject("inputSchema").set("json", tool.parameters() != null
                    ? tool.parameters().deepCopy() : emptyObjectSchema());
            if (tool.strict()) {
                dropped.add("tools[].function.strict");
            }
            tools.addObject().set("toolSpec", spec);
            if (Json.present(tool.tool(), "cache_control") || Json.present(tool.function(), "cache_control")) {
                tools.add(OpenAiMessagesToConverse.cachePoint());
            }
        }
        return tools;
    }

    private static ObjectNode toolChoice(JsonNode choice) throws TranslationException {
        if (choice == null || choice.isNull()) {
            return null;
        }
        ObjectNode out = Json.object();
        if (choice.isTextual()) {
            switch (choice.textValue()) {
                case "auto" -> out.putObject("auto");
                case "required" -> out.putObject("any");
                case "none" -> out.putObject("none");
                default -> throw new TranslationException("tool_choice \"" + choice.textValue()
                        + "\" is not supported (expected: auto, required, none or a function)", "tool_choice");
            }
            return out;
        }
        if (choice.isObject() && "function".equals(Json.string(choice, "type"))) {
            out.putObject("tool").put("name", requireString(choice.path("function"), "name",
                    "tool_choice.function"));
            return out;
        }
        throw new TranslationException("tool_choice must be auto, required, none or {\"type\":\"function\","
                + "\"function\":{\"name\":...}}", "tool_choice");
    }

    private static int thinkingBudget(JsonNode request, String modelId, Set<String> dropped)
            throws TranslationException {
        JsonNode effort = request.get("reasoning_effort");
        if (effort == null || effort.isNull()) {
            return 0;
        }
        String value = effort.isTextual() ? effort.textValue() : "";
        if ("none".equals(value) || "minimal".equals(value)) {
            return 0;
        }
        Integer budget = OpenAiToAnthropicRequest.EFFORT_BUDGETS.get(value);
        if (budget == null) {
            throw new TranslationException("reasoning_effort must be none, minimal, low, medium or high",
                    "reasoning_effort");
        }
        if (!isClaude(modelId)) {
            dropped.add("reasoning_effort");
            return 0;
        }
        return budget;
    }

    /** The forced tool of a JSON {@code response_format}, or null for none or {@code text}. */
    private static ObjectNode responseFormatTool(JsonNode format) throws TranslationException {
        if (format == null || format.isNull()) {
            return null;
        }
        String type = Json.string(format, "type");
        if ("text".equals(type)) {
            return null;
        }
        ObjectNode spec = Json.object();
        if ("json_object".equals(type)) {
            spec.put("name", OpenAiToAnthropicRequest.JSON_OBJECT_TOOL);
            spec.put("description", "Give your answer as a JSON object: the input of this tool is the answer.");
            spec.putObject("inputSchema").putObject("json").put("type", "object");
        } else if ("json_schema".equals(type)) {
            JsonNode jsonSchema = format.path("json_schema");
            String name = Json.string(jsonSchema, "name");
            if (name == null || !name.matches("[a-zA-Z0-9_-]{1,64}")) {
                throw new TranslationException("response_format.json_schema.name must be 1 to 64 letters, digits, "
                        + "_ or -", "response_format.json_schema.name");
            }
            JsonNode schema = jsonSchema.get("schema");
            if (schema == null || schema.isNull()) {
                schema = emptyObjectSchema();
            }
            if (!schema.isObject() || (schema.has("type") && !"object".equals(Json.string(schema, "type")))) {
                throw new TranslationException("response_format.json_schema.schema must describe a JSON object for "
                        + "Bedrock models", "response_format.json_schema.schema");
            }
            spec.put("name", name);
            String description = Json.string(jsonSchema, "description");
            spec.put("description", description != null ? description
                    : "Give your answer as a JSON object matching this schema: the input of this tool is the answer.");
            spec.putObject("inputSchema").set("json", schema.deepCopy());
        } else {
            throw new TranslationException("response_format type must be text, json_object or json_schema",
                    "response_format.type");
        }
        ObjectNode tool = Json.object();
        tool.set("toolSpec", spec);
        return tool;
    }

            }
