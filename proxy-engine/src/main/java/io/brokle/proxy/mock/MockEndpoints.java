package io.brokle.proxy.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.proxy.mock.MockCompletions.Completion;
import io.brokle.proxy.mock.StreamedCompletion.Api;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which answer the mock gives to a request: routes the OpenAI paths (with or without the
 * {@code /v1} prefix), parses the JSON body and builds a {@link MockAnswer}. Failures are
 * answers too, in OpenAI's error format: 400 for a body that is not a JSON object or lacks a
 * required field, 404 for an unknown path, 405 for a known path with the wrong method.
 *
 * <pre>
 *   POST /v1/chat/completions   chat, streamed when "stream": true
 *   POST /v1/completions        legacy text completions, streamed likewise
 *   POST /v1/embeddings         floats, or base64 little-endian float32 ("encoding_format": "base64")
 *   GET  /v1/models             the one model, {@value #MODEL_ID}
 * </pre>
 *
 * <p>Reads the request without changing it (not even its reader index) and never releases it.
 * Thread-safe: holds only immutable state.
 */
public final class MockEndpoints {
    /** The model {@code GET /v1/models} lists; any model name is accepted in requests. */
    public static final String MODEL_ID = "mock-1";
    /** The largest {@code dimensions} an embeddings request may ask for. */
    public static final int MAX_EMBEDDING_DIMENSIONS = 65_536;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] MODELS = OpenAiJson.bytes(json -> OpenAiJson.models(json, List.of(MODEL_ID)));

    private final MockCompletions completions;

    public MockEndpoints(MockCompletions completions) {
        this.completions = Objects.requireNonNull(completions, "completions");
    }

    /** The answer to {@code request}; never null, never throws for bad input. */
    public MockAnswer answer(FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            MockAnswer answer = invalid("We could not parse your HTTP request.", null, null);
            HttpUtil.setKeepAlive(answer.head(), false);
            return answer;
        }
        String path = openAiPath(request.uri());
        return switch (path) {
            case "/chat/completions" -> isPost(request) ? chat(request) : wrongMethod(request, HttpMethod.POST);
            case "/completions" -> isPost(request) ? text(request) : wrongMethod(request, HttpMethod.POST);
            case "/embeddings" -> isPost(request) ? embeddings(request) : wrongMethod(request, HttpMethod.POST);
            case "/models" -> HttpMethod.GET.equals(request.method())
                    ? MockAnswer.json(MODELS) : wrongMethod(request, HttpMethod.GET);
            default -> MockAnswer.error(HttpResponseStatus.NOT_FOUND, "invalid_request_error",
                    "Invalid URL (" + request.method() + " " + path(request.uri()) + ")", null, null);
        };
    }

    private MockAnswer chat(FullHttpRequest request) {
        JsonNode body = parse(request);
        MockAnswer invalid = checkModel(body);
        if (invalid != null) {
            return invalid;
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            return missing("messages");
        }
        String model = body.path("model").textValue();
        Completion completion = completions.complete(MockCompletions.chatPrompt(messages));
        String id = "chatcmpl-mock-" + completion.idSuffix();
        if (body.path("stream").asBoolean(false)) {
            return MockAnswer.stream(new StreamedCompletion(Api.CHAT, id, model, completion, includeUsage(body)));
        }
        return MockAnswer.json(OpenAiJson.bytes(json -> OpenAiJson.chatCompletion(json, id, model, completion)));
    }

    private MockAnswer text(FullHttpRequest request) {
        JsonNode body = parse(request);
        MockAnswer invalid = checkModel(body);
        if (invalid != null) {
            return invalid;
        }
        JsonNode prompt = body.path("prompt");
        if (prompt.isMissingNode() || prompt.isNull()) {
            return missing("prompt");
        }
        String model = body.path("model").textValue();
        Completion completion = completions.complete(MockCompletions.textPrompt(prompt));
        String id = "cmpl-mock-" + completion.idSuffix();
        if (body.path("stream").asBoolean(false)) {
            return MockAnswer.stream(new StreamedCompletion(Api.TEXT, id, model, completion, includeUsage(body)));
        }
        return MockAnswer.json(OpenAiJson.bytes(json -> OpenAiJson.textCompletion(json, id, model, completion)));
    }

    private MockAnswer embeddings(FullHttpRequest request) {
        JsonNode body = parse(request);
        MockAnswer invalid = checkModel(body);
        if (invalid != null) {
            return invalid;
        }
        JsonNode input = body.path("input");
        if (!input.isTextual() && !input.isArray()) {
            return missing("input");
        }
        if (input.isArray() && input.isEmpty()) {
            return invalid("'input' must not be empty.", "input", null);
        }
        JsonNode requestedDimensions = body.path("dimensions");
        int dimensions = completions.options().embeddingDimensions();
        if (!requestedDimensions.isMissingNode() && !requestedDimensions.isNull()) {
            dimensions = requestedDimensions.asInt(0);
            if (dimensions < 1 || dimensions > MAX_EMBEDDING_DIMENSIONS) {
                return invalid("Invalid 'dimensions': " + requestedDimensions
                        + " (expected: 1.." + MAX_EMBEDDING_DIMENSIONS + ").", "dimensions", null);
            }
        }
        List<String> inputs = MockCompletions.embeddingInputs(input);
        List<float[]> vectors = new ArrayList<>(inputs.size());
        int chars = 0;
        for (String text : inputs) {
            vectors.add(completions.embedding(text, dimensions));
            chars += text.length();
        }
        String model = body.path("model").textValue();
        boolean base64 = "base64".equals(body.path("encoding_format").asText());
        int promptTokens = MockCompletions.tokensFor(chars);
        return MockAnswer.json(OpenAiJson.bytes(json -> OpenAiJson.embeddings(json, model, vectors, base64, promptTokens)));
    }

    /** The body as a JSON object, or null when it is not one. */
    private static JsonNode parse(FullHttpRequest request) {
        // A duplicate so that parsing leaves the request's reader index where it was.
        try (ByteBufInputStream in = new ByteBufInputStream(request.content().duplicate())) {
            JsonNode body = MAPPER.readTree(in);
            return body != null && body.isObject() ? body : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** An error answer when the body is not a JSON object or names no model, else null. */
    private static MockAnswer checkModel(JsonNode body) {
        if (body == null) {
            return invalid("We could not parse the JSON body of your request. (HINT: This likely means you "
                    + "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what "
                    + "was sent was not valid JSON.)", null, null);
        }
        JsonNode model = body.path("model");
        if (!model.isTextual() || model.textValue().isEmpty()) {
            return invalid("you must provide a model parameter", null, null);
        }
        return null;
    }

    private static boolean includeUsage(JsonNode body) {
        return body.path("stream_options").path("include_usage").asBoolean(false);
    }

    private static MockAnswer missing(String param) {
        return invalid("Missing required parameter: '" + param + "'.", param, "missing_required_parameter");
    }

    private static MockAnswer invalid(String message, String param, String code) {
        return MockAnswer.error(HttpResponseStatus.BAD_REQUEST, "invalid_request_error", message, param, code);
    }

    private static MockAnswer wrongMethod(FullHttpRequest request, HttpMethod allowed) {
        MockAnswer answer = MockAnswer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "invalid_request_error",
                "Method " + request.method() + " is not allowed for " + path(request.uri())
                        + " (expected: " + allowed + ")", null, null);
        answer.headers().set(HttpHeaderNames.ALLOW, allowed.name());
        return answer;
    }

    private static boolean isPost(FullHttpRequest request) {
        return HttpMethod.POST.equals(request.method());
    }

    /** The path without query, and without a leading {@code /v1} since base URLs differ. */
    static String openAiPath(String uri) {
        String path = path(uri);
        return path.startsWith("/v1/") ? path.substring(3) : path;
    }

    private static String path(String uri) {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }
}
