package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.testing.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the tests of the gateway's Anthropic-format endpoint {@code POST /v1/messages} share: the
 * official Anthropic SDK pointed at the gateway, a plain HTTP client sending what Anthropic
 * clients send ({@code x-api-key}, {@code anthropic-version}), and checks of Anthropic's error
 * format and event stream.
 */
final class MessagesSupport {
    static final String PATH = "/v1/messages";
    static final String VERSION = "2023-06-01";

    private MessagesSupport() {
    }

    /** The official SDK as a user configures it for the gateway (base URL, virtual key), without retries. */
    static Claude sdk(TestGateway gw, String key) {
        return new Claude(AnthropicOkHttpClient.builder().baseUrl(gw.baseUrl()).apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(8)).build());
    }

    /** An SDK client for try-with-resources. */
    record Claude(AnthropicClient api) implements AutoCloseable {
        @Override
        public void close() {
            api.close();
        }
    }

    /** A Messages body with one user message. */
    static String message(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":256," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
    }

    /**
     * POSTs {@code body} to {@code path} as Anthropic clients do: {@code x-api-key: key} (none when
     * null), {@code anthropic-version}, and {@code extraHeaders} as name, value pairs.
     */
    static HttpResponse<String> postTo(HttpClient http, TestGateway gw, String path, String key, String body,
                                       String... extraHeaders) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
                .timeout(Duration.ofSeconds(8))
                .header("content-type", "application/json")
                .header("anthropic-version", VERSION)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("x-api-key", key);
        }
        for (int i = 0; i < extraHeaders.length; i += 2) {
            request.header(extraHeaders[i], extraHeaders[i + 1]);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> post(HttpClient http, TestGateway gw, String key, String body, String... extraHeaders) {
        return postTo(http, gw, PATH, key, body, extraHeaders);
    }

    /**
     * Checks an error document the way an Anthropic client relies on it: exactly
     * {@code {"type":"error","error":{"type","message"}}}, of the expected type, a message, and
     * nothing a client must not see.
     *
     * @return the {@code error} object
     */
    static JsonNode assertAnthropicError(String body, String expectedType) {
        JsonNode root = EndToEndSupport.parse(body);
        assertEquals(Set.of("type", "error"), fieldNames(root), "top level of " + body);
        assertEquals("error", root.get("type").asText(), body);
        JsonNode error = root.get("error");
        assertEquals(Set.of("type", "message"), fieldNames(error), "fields of " + body);
        assertEquals(expectedType, error.get("type").asText(), body);
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank(), body);
        EndToEndSupport.assertNothingLeaks(body);
        return error;
    }

    /** The events of an Anthropic stream, in order, as (event name, data). */
    static List<Map.Entry<String, String>> events(String sse) {
        List<Map.Entry<String, String>> events = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            String name = null;
            for (String line : event.split("\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                }
            }
            if (name != null) {
                events.add(Map.entry(name, EndToEndSupport.sseEventData(event)));
            }
        }
        return events;
    }

    static List<String> eventNames(String sse) {
        return events(sse).stream().map(Map.Entry::getKey).toList();
    }

    private static Set<String> fieldNames(JsonNode node) {
        assertTrue(node != null && node.isObject(), "expected a JSON object, got " + node);
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
