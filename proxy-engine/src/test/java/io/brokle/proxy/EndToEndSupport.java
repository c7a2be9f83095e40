package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import io.brokle.config.MockOptions;
import io.brokle.proxy.mock.MockCompletions;
import io.brokle.proxy.testing.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Shared helpers of the end-to-end tests of this package: request bodies, what the mock upstream
 * will answer, plain HTTP calls, {@code /metrics} scraping, bounded waits, server-sent event
 * parsing, and the checks every error body must pass (OpenAI's shape, no Java internals, no
 * secret). Byte-level clients are {@link RawHttpSupport}.
 */
final class EndToEndSupport {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The provider credential of {@link TestGateway#openAiYaml}: must go upstream, never come back. */
    static final String UPSTREAM_SECRET = "sk-upstream-secret-for-tests";
    static final String CHAT_PATH = "/v1/chat/completions";
    /** The longest a test waits for something that should happen at once. */
    static final Duration WAIT = Duration.ofSeconds(5);

    /** What a Java class name, a stack frame or an exception type looks like in a message. */
    private static final Pattern JAVA_INTERNALS = Pattern.compile(
            "(?:\\b(?:java|javax|jdk|sun|io\\.netty|io\\.brokle|com\\.fasterxml|kotlin|okhttp3)\\.[a-z])"
                    + "|Exception|Throwable|\\bat [\\w$.]+\\(|\\.java:\\d+");

    private EndToEndSupport() {
    }

    /** {@code keys:} with only {@link TestGateway#KEY}, for configurations without a route {@code limited}. */
    static String keyYaml() {
        return "keys:\n  - {id: test, hash: " + TestGateway.hash(TestGateway.KEY) + ", tenant: acme/app/dev}\n";
    }

    /** A chat body with one user message, in the compact form clients send. */
    static String chat(String model, String content, boolean stream) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        if (stream) {
            body.put("stream", true);
        }
        body.putArray("messages").addObject().put("role", "user").put("content", content);
        return body.toString();
    }

    /** What the mock (and {@code ScriptedUpstream} when it answers normally) says to one user message. */
    static MockCompletions.Completion expectedCompletion(MockOptions options, String userMessage) {
        ArrayNode messages = JSON.createArrayNode();
        messages.addObject().put("role", "user").put("content", userMessage);
        return new MockCompletions(options).complete(MockCompletions.chatPrompt(messages));
    }

    /** The official SDK as a user configures it for the gateway, without retries. */
    static Sdk sdk(TestGateway gw, String key) {
        return new Sdk(OpenAIOkHttpClient.builder().baseUrl(gw.baseUrl() + "/v1").apiKey(key).maxRetries(0).build());
    }

    /** An SDK client for try-with-resources ({@link OpenAIClient} has a close() but is no AutoCloseable). */
    record Sdk(OpenAIClient api) implements AutoCloseable {
        @Override
        public void close() {
            api.close();
        }
    }

    /** A {@code java.net.http} client that speaks HTTP/1.1 only. */
    static HttpClient httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
    }

    /** POSTs {@code body} as JSON with {@code Authorization: Bearer key} (no header when {@code key} is null). */
    static HttpResponse<String> post(HttpClient http, TestGateway gw, String path, String key, String body) {
        return send(http, request(gw, path, key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** GETs {@code path} with {@code Authorization: Bearer key} (no header when {@code key} is null). */
    static HttpResponse<String> get(HttpClient http, TestGateway gw, String path, String key) {
        return send(http, request(gw, path, key).GET());
    }

    private static HttpRequest.Builder request(TestGateway gw, String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .timeout(Duration.ofSeconds(8));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request;
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The ids in a {@code /v1/models} answer. */
    static List<String> modelIds(String body) {
        List<String> ids = new ArrayList<>();
        parse(body).get("data").forEach(m -> ids.add(m.get("id").asText()));
        return ids;
    }

    /** The text of {@code GET /metrics}, after checking it answered 200 (no key needed). */
    static String scrapeMetrics(HttpClient http, TestGateway gw) {
        HttpResponse<String> metrics = get(http, gw, "/metrics", null);
        assertEquals(200, metrics.statusCode(), metrics.body());
        return metrics.body();
    }

    /**
     * The value of one series in Prometheus text, e.g. {@code brokle_config_version} or
     * {@code brokle_tokens_total{model="m",type="prompt"}}; 0 when absent.
     */
    static double metric(String prometheusText, String series) {
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    /** The value of one counter series as {@code GET /metrics} shows it now; 0 when absent. */
    static long scrapeCounter(HttpClient http, TestGateway gw, String series) {
        return (long) metric(scrapeMetrics(http, gw), series);
    }

    static String tokenSeries(String model, String type) {
        return "brokle_tokens_total{model=\"" + model + "\",type=\"" + type + "\"}";
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes; true if it held. */
    static boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    static JsonNode parse(byte[] json) {
        return parse(new String(json, StandardCharsets.UTF_8));
    }

    /** A copy of the JSON object {@code json} without the named top-level fields. */
    static ObjectNode without(JsonNode json, String... fields) {
        ObjectNode copy = ((ObjectNode) json).deepCopy();
        copy.remove(List.of(fields));
        return copy;
    }

    /**
     * The {@code data:} payload of one server-sent event (the text between two blank lines):
     * its data lines joined by {@code \n}, each without the field name and one optional space.
     */
    static String sseEventData(String event) {
        StringBuilder data = new StringBuilder();
        for (String line : event.split("\n", -1)) {
            if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
            }
        }
        return data.toString();
    }

    /** The data payloads of the server-sent events in {@code text} that have one, in order. */
    static List<String> sseData(String text) {
        List<String> data = new ArrayList<>();
        for (String event : text.split("\n\n")) {
            if (event.startsWith("data:") || event.contains("\ndata:")) {
                data.add(sseEventData(event));
            }
        }
        return data;
    }

    /** The text of a streamed chat completion's content deltas, joined. */
    static String streamedContent(String sseText) {
        StringBuilder content = new StringBuilder();
        for (String data : sseData(sseText)) {
            if (data.equals("[DONE]")) {
                continue;
            }
            for (JsonNode choice : parse(data).path("choices")) {
                JsonNode text = choice.path("delta").path("content");
                if (text.isTextual()) {
                    content.append(text.asText());
                }
            }
        }
        return content.toString();
    }

    /**
     * Checks an error document the way a client relies on it: exactly
     * {@code {"error":{"message","type","param","code"}}}, a message and type that are strings,
     * the expected code (null: the JSON null), and nothing a client must not see.
     *
     * @return the {@code error} object
     */
    static JsonNode assertOpenAiError(String body, String expectedCode) {
        JsonNode error = assertOpenAiError(body);
        if (expectedCode == null) {
            assertTrue(error.get("code").isNull(), body);
        } else {
            assertEquals(expectedCode, error.get("code").asText(), body);
        }
        return error;
    }

    /** Like {@link #assertOpenAiError(String, String)}, for any code. */
    static JsonNode assertOpenAiError(String body) {
        JsonNode root = parse(body);
        assertEquals(Set.of("error"), fieldNames(root), "top level of " + body);
        JsonNode error = root.get("error");
        assertEquals(Set.of("message", "type", "param", "code"), fieldNames(error), "fields of " + body);
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank(), body);
        assertTrue(error.get("type").isTextual() && !error.get("type").asText().isBlank(), body);
        assertTrue(error.get("param").isNull() || error.get("param").isTextual(), body);
        assertTrue(error.get("code").isNull() || error.get("code").isTextual(), body);
        assertNothingLeaks(body);
        return error;
    }

    /** No secret, no Java class name, no stack trace in text a client gets. */
    static void assertNothingLeaks(String text) {
        assertNotNull(text);
        assertFalse(text.contains(UPSTREAM_SECRET), () -> "the provider key leaked: " + text);
        assertFalse(text.contains(TestGateway.KEY), () -> "the virtual key leaked: " + text);
        assertFalse(text.contains(TestGateway.LIMITED_KEY), () -> "the virtual key leaked: " + text);
        var internals = JAVA_INTERNALS.matcher(text);
        if (internals.find()) {
            fail("Java internals (\"" + internals.group() + "\") in: " + text);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        assertTrue(node != null && node.isObject(), "expected a JSON object, got " + node);
        Set<String> names = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            names.add(it.next().getKey());
        }
        return names;
    }

    /** What a streamed chat completion brought, as an SDK client reads it. */
    /**
     * Streams {@code prompt} to {@code model} through the gateway with the official OpenAI SDK,
     * asking for a usage chunk as SDKs do, and reads the stream to its end.
     */
    static StreamedChat streamWithUsage(TestGateway gw, String model, String prompt) {
        try (Sdk sdk = sdk(gw, TestGateway.KEY);
             var stream = sdk.api().chat().completions().createStreaming(
                     com.openai.models.chat.completions.ChatCompletionCreateParams.builder().model(model)
                             .addUserMessage(prompt)
                             .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder()
                                     .includeUsage(true).build())
                             .build())) {
            return StreamedChat.read(stream);
        }
    }

    record StreamedChat(String text, List<com.openai.models.chat.completions.ChatCompletionChunk.Choice.FinishReason> finishReasons,
                        List<com.openai.models.chat.completions.ChatCompletionChunk> usageChunks) {
        /** Reads {@code stream} to its end: the content deltas joined, the finish reasons, the usage-only chunks. */
        static StreamedChat read(com.openai.core.http.StreamResponse<com.openai.models.chat.completions.ChatCompletionChunk> stream) {
            StringBuilder text = new StringBuilder();
            List<com.openai.models.chat.completions.ChatCompletionChunk.Choice.FinishReason> finish = new java.util.ArrayList<>();
            List<com.openai.models.chat.completions.ChatCompletionChunk> usage = new java.util.ArrayList<>();
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(c -> {
                    text.append(c.delta().content().orElse(""));
                    c.finishReason().ifPresent(finish::add);
                });
                if (chunk.choices().isEmpty() && chunk.usage().isPresent()) {
                    usage.add(chunk);
                }
            });
            return new StreamedChat(text.toString(), List.copyOf(finish), List.copyOf(usage));
        }
    }
}
