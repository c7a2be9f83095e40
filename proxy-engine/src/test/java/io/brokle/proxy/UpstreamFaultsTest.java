package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.assertNothingLeaks;
import static io.brokle.proxy.EndToEndSupport.assertOpenAiError;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.expectedCompletion;
import static io.brokle.proxy.EndToEndSupport.parse;
import static io.brokle.proxy.EndToEndSupport.post;
import static io.brokle.proxy.RawHttpSupport.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.brokle.config.MockOptions;
import io.brokle.proxy.RawHttpSupport.Event;
import io.brokle.proxy.RawHttpSupport.Head;
import io.brokle.proxy.mock.MockCompletions;
import io.brokle.proxy.testing.Behaviour;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A misbehaving upstream behind a running gateway: every fault ends in a clean OpenAI error
 * (before a stream started) or a terminal error event without {@code [DONE]} (after), never
 * leaks a secret or Java internals, and leaves the gateway serving the next request.
 */
class UpstreamFaultsTest {
    private static final String PROMPT = "tell me a story";
    private static final MockCompletions.Completion EXPECTED = expectedCompletion(MockOptions.DEFAULTS, PROMPT);
    private static final Set<String> CODES_502 = Set.of("upstream_unavailable", "upstream_malformed", "upstream_truncated");

    private ScriptedUpstream upstream;
    private TestGateway gw;
    private HttpClient http;

    @BeforeEach
    void start() {
        upstream = ScriptedUpstream.start();
        gw = TestGateway.start(TestGateway.openAiYaml(upstream.baseUrl()));
        http = EndToEndSupport.httpClient();
    }

    @AfterEach
    void stop() {
        http.close();
        gw.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fin", "rst"})
    void upstreamCutMidStreamEndsWithTruncatedErrorEventAndNoDone(String how) throws Exception {
        upstream.enqueue(how.equals("fin") ? Behaviour.dropAfterChunks(3) : Behaviour.resetAfterChunks(3));

        List<Event> events;
        Head head;
        Head next;
        try (RawHttpSupport client = RawHttpSupport.connect(gw.port())) {
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", PROMPT, true)));
            head = client.readHead();
            events = client.readEvents();
            // The cut answer was still framed properly: the same connection carries the next request.
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", PROMPT, false)));
            next = client.readHead();
            client.readBody(next);
        }

        assertEquals(200, head.status(), "the stream had started");
        assertEquals(List.of(EXPECTED.chunk(0), EXPECTED.chunk(1), EXPECTED.chunk(2)), contents(events),
                "the 3 content events the upstream sent");
        assertTerminalError(events, "upstream_truncated");
        assertEquals(200, next.status(), "the client connection stays usable after a cut stream");
        assertStillServes();
    }

    @Test
    void stalledStreamEndsWithTimeoutEventAfterTheIdleTime() throws Exception {
        upstream.enqueue(Behaviour.stallAfterChunks(2));

        List<Event> events;
        try (RawHttpSupport client = RawHttpSupport.connect(gw.port())) {
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", PROMPT, true)));
            assertEquals(200, client.readHead().status());
            events = client.readEvents();
        }

        assertEquals(List.of(EXPECTED.chunk(0), EXPECTED.chunk(1)), contents(events));
        assertTerminalError(events, "upstream_timeout");
        long silence = events.getLast().arrivedNanos() - events.get(events.size() - 2).arrivedNanos();
        assertTrue(silence >= Duration.ofMillis(900).toNanos() && silence < Duration.ofMillis(2500).toNanos(),
                () -> "the timeout event came " + silence / 1_000_000 + " ms after the last chunk (idle: 1 s)");
        assertTrue(upstream.awaitConnectionClosed(Duration.ofSeconds(1)), "the stalled upstream connection was closed");
        assertStillServes();
    }

    @Test
    void upstreamSlowerThanFirstByteTimeoutGets504() throws Exception {
        upstream.enqueue(Behaviour.slowFirstByte(Duration.ofSeconds(3)));
        long start = System.nanoTime();

        HttpResponse<String> answer = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-test", PROMPT, false));

        long took = System.nanoTime() - start;
        assertEquals(504, answer.statusCode(), answer.body());
        assertOpenAiError(answer.body(), "upstream_timeout");
        assertTrue(took >= Duration.ofMillis(1900).toNanos() && took < Duration.ofMillis(3500).toNanos(),
                () -> "answered after " + took / 1_000_000 + " ms (firstByte: 2 s)");
        assertTrue(upstream.awaitConnectionClosed(Duration.ofSeconds(1)), "the gateway gave up on the upstream connection");
        assertStillServes();
    }

    static Stream<Arguments> faultsBeforeTheAnswer() {
        return Stream.of(
                Arguments.of("malformed JSON 200", Behaviour.malformedJson(), Set.of("upstream_malformed")),
                Arguments.of("HTML 200", Behaviour.html200(), Set.of("upstream_malformed")),
                Arguments.of("closed before answering", Behaviour.dropBeforeResponse(), CODES_502));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faultsBeforeTheAnswer")
    void faultBeforeTheAnswerIsA502InOpenAiFormat(String name, Behaviour fault, Set<String> codes) {
        for (boolean stream : new boolean[] {false, true}) {
            upstream.enqueue(fault);

            HttpResponse<String> answer = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-test", PROMPT, stream));

            assertEquals(502, answer.statusCode(), answer.body());
            assertTrue(answer.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                    "a JSON error even for a streamed request: " + answer.headers().map());
            JsonNode error = assertOpenAiError(answer.body());
            assertTrue(codes.contains(error.get("code").asText()), () -> name + ": code " + error.get("code"));
            assertFalse(answer.body().contains("<html") || answer.body().contains("chatcmpl-mock"),
                    "nothing of the upstream's broken answer: " + answer.body());
            assertTrue(answer.headers().firstValue("x-request-id").isPresent());
            assertStillServes();
        }
    }

    @Test
    void upstream503WithAnHtmlPageBecomesA502() {
        String page = "<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>"
                + "<body><center><h1>503 Service Temporarily Unavailable</h1></center><hr><center>nginx</center>"
                + "</body></html>";
        try (CannedUpstreamSupport broken = CannedUpstreamSupport.answering(503, "Service Unavailable",
                "text/html", page);
             TestGateway two = TestGateway.start(twoProviders(upstream.baseUrl(), broken.baseUrl()))) {
            HttpResponse<String> answer = post(http, two, CHAT_PATH, TestGateway.KEY, chat("broken", PROMPT, false));

            assertEquals(502, answer.statusCode(), answer.body());
            assertOpenAiError(answer.body(), "upstream_malformed");
            assertFalse(answer.body().contains("nginx"), answer.body());
            assertEquals(io.brokle.config.Route.DEFAULT_MAX_ATTEMPTS, broken.requests(),
                    "a 503 is retried up to the route's attempts, then answered");
            assertStillServes(two);
        }
    }

    static Stream<Arguments> cutsInsideAWholeAnswer() {
        return Stream.of(
                Arguments.of("FIN after the head", Behaviour.dropAfterChunks(0), 502, Set.of("upstream_truncated")),
                Arguments.of("RST after the head", Behaviour.resetAfterChunks(0), 502, CODES_502),
                Arguments.of("silence after the head", Behaviour.stallAfterChunks(0), 504, Set.of("upstream_timeout")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cutsInsideAWholeAnswer")
    void cutInsideANonStreamedAnswerIsAnErrorNotAPartialBody(String name, Behaviour fault, int status,
                                                             Set<String> codes) {
        upstream.enqueue(fault);

        HttpResponse<String> answer = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-test", PROMPT, false));

        assertEquals(status, answer.statusCode(), answer.body());
        JsonNode error = assertOpenAiError(answer.body());
        assertTrue(codes.contains(error.get("code").asText()), () -> name + ": code " + error.get("code"));
        assertStillServes();
    }

    @Test
    void onlyRetryAfterAndRateLimitHeadersComeBackFromTheProvider() {
        String headers = "Retry-After: 12\r\n"
                + "x-ratelimit-remaining-requests: 0\r\n"
                + "x-ratelimit-reset-requests: 12s\r\n"
                + "Set-Cookie: __cf_bm=provider-session; path=/\r\n"
                + "openai-organization: org-provider-internal\r\n"
                + "Server: provider-edge/1.0\r\n";
        String body = "{\"error\":{\"message\":\"Rate limit reached.\",\"type\":\"requests\",\"param\":null,"
                + "\"code\":\"rate_limit_exceeded\"}}";
        try (CannedUpstreamSupport limited = CannedUpstreamSupport.answering(429, "Too Many Requests",
                "application/json", headers, body);
             TestGateway two = TestGateway.start(twoProviders(upstream.baseUrl(), limited.baseUrl()))) {
            HttpResponse<String> answer = post(http, two, CHAT_PATH, TestGateway.KEY, chat("broken", PROMPT, false));

            assertEquals(429, answer.statusCode(), answer.body());
            assertOpenAiError(answer.body(), "rate_limit_exceeded");
            var h = answer.headers();
            assertEquals("12", h.firstValue("retry-after").orElse(null));
            assertEquals("0", h.firstValue("x-ratelimit-remaining-requests").orElse(null));
            assertEquals("12s", h.firstValue("x-ratelimit-reset-requests").orElse(null));
            assertTrue(h.firstValue("set-cookie").isEmpty(), () -> "provider cookie passed through: " + h.map());
            assertTrue(h.firstValue("openai-organization").isEmpty(), () -> "provider header passed through: " + h.map());
            assertFalse(h.firstValue("server").orElse("").contains("provider-edge"), () -> h.map().toString());
            assertStillServes(two);
        }
    }

    @Test
    void unreachableUpstreamIsA502Quickly() {
        String closed = "http://127.0.0.1:" + CannedUpstreamSupport.closedPort() + "/v1";
        try (TestGateway two = TestGateway.start(twoProviders(upstream.baseUrl(), closed))) {
            assertStillServes(two);
            for (boolean stream : new boolean[] {false, true}) {
                long start = System.nanoTime();

                HttpResponse<String> answer = post(http, two, CHAT_PATH, TestGateway.KEY, chat("broken", PROMPT, stream));

                long took = System.nanoTime() - start;
                assertEquals(502, answer.statusCode(), answer.body());
                assertOpenAiError(answer.body(), "upstream_unavailable");
                assertTrue(took < Duration.ofMillis(3000).toNanos(),
                        () -> "a refused connection is answered at once, not at the 10 s connect timeout: "
                                + took / 1_000_000 + " ms");
                assertStillServes(two);
            }
        }
    }

    @Test
    void sdkSeesACutStreamAsAnErrorNeverAsACompleteAnswer() {
        upstream.enqueue(Behaviour.dropAfterChunks(3));
        List<String> pieces = new ArrayList<>();

        try (EndToEndSupport.Sdk sdk = EndToEndSupport.sdk(gw, TestGateway.KEY)) {
            OpenAIClient client = sdk.api();
            ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                    .model("gpt-test").addUserMessage(PROMPT).build();
            OpenAIException e = assertThrows(OpenAIException.class, () -> {
                try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                    stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content()
                            .filter(s -> !s.isEmpty()).ifPresent(pieces::add)));
                }
            });
            assertNothingLeaks(String.valueOf(e.getMessage()));
        }

        assertEquals(List.of(EXPECTED.chunk(0), EXPECTED.chunk(1), EXPECTED.chunk(2)), pieces);
        assertStillServes();
    }

    static Stream<Arguments> jsonWithTrailingGarbage() {
        String completion = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
                + "\"finish_reason\":\"stop\"}]}";
        String error = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}";
        return Stream.of(
                Arguments.of(200, completion + "<html><body>proxy error</body></html>"),
                Arguments.of(200, completion + "{\"second\":\"object\"}"),
                Arguments.of(500, error + "<html><body>proxy error</body></html>"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("jsonWithTrailingGarbage")
    void jsonObjectFollowedByGarbageIsMalformedNotRelayed(int status, String body) {
        try (CannedUpstreamSupport garbled = CannedUpstreamSupport.answering(status, "Whatever", "application/json", body);
             TestGateway two = TestGateway.start(twoProviders(upstream.baseUrl(), garbled.baseUrl()))) {
            HttpResponse<String> answer = post(http, two, CHAT_PATH, TestGateway.KEY, chat("broken", PROMPT, false));

            assertEquals(502, answer.statusCode(), answer.body());
            assertOpenAiError(answer.body(), "upstream_malformed");
            assertStillServes(two);
        }
    }

    @Test
    void closeDelimitedStreamCutBeforeDoneEndsWithTruncatedErrorEvent() {
        // An upstream that frames its stream by closing the connection (no Content-Length, not
        // chunked) and dies after two content events: the close looks like a normal end of the
        // body, and only the missing [DONE] tells that the answer was cut.
        String event = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"part \"},\"finish_reason\":null}]}\n\n";
        try (CannedUpstreamSupport dying = CannedUpstreamSupport.closeDelimited(200, "OK", "text/event-stream",
                event + event);
             TestGateway two = TestGateway.start(twoProviders(upstream.baseUrl(), dying.baseUrl()));
             RawHttpSupport client = RawHttpSupport.connect(two.port())) {
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("broken", PROMPT, true)));
            Head head = client.readHead();
            List<Event> events = client.readEvents();

            assertEquals(200, head.status());
            assertEquals(List.of("part ", "part "), contents(events));
            assertTerminalError(events, "upstream_truncated");
            assertStillServes(two);
        }
    }

    /** The last event is an OpenAI error with {@code code}; no [DONE] and no normal finish anywhere. */
    private static void assertTerminalError(List<Event> events, String code) {
        assertFalse(events.isEmpty());
        for (Event e : events) {
            assertFalse(e.done(), "a cut stream must not end with [DONE]: " + events);
            if (!e.data().contains("\"error\"")) {
                assertTrue(parse(e.data()).path("choices").path(0).path("finish_reason").isNull(),
                        () -> "a cut stream must not carry a finish_reason: " + e.data());
            }
        }
        Event last = events.getLast();
        assertTrue(last.data().startsWith("{\"error\""),
                () -> "the stream must end with a terminal error event; it ended with: " + last.data());
        assertOpenAiError(last.data(), code);
        assertEquals(1, events.stream().filter(e -> e.data().contains("\"error\"")).count(), "one terminal error event");
    }

    private static List<String> contents(List<Event> events) {
        List<String> pieces = new ArrayList<>();
        for (Event e : events) {
            JsonNode json = parse(e.data());
            String piece = json.path("choices").path(0).path("delta").path("content").asText("");
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
        }
        return pieces;
    }

    private void assertStillServes() {
        assertStillServes(gw);
    }

    /** A normal request, whole and streamed, through {@code gateway}'s healthy route {@code gpt-test}. */
    private void assertStillServes(TestGateway gateway) {
        HttpResponse<String> whole = post(http, gateway, CHAT_PATH, TestGateway.KEY, chat("gpt-test", PROMPT, false));
        assertEquals(200, whole.statusCode(), whole.body());
        assertEquals(EXPECTED.content(), parse(whole.body()).path("choices").path(0).path("message").path("content").asText());

        HttpResponse<String> streamed = post(http, gateway, CHAT_PATH, TestGateway.KEY, chat("gpt-test", PROMPT, true));
        assertEquals(200, streamed.statusCode(), streamed.body());
        assertTrue(streamed.body().endsWith("data: [DONE]\n\n"), streamed.body());
        assertNotNull(streamed.headers().firstValue("x-request-id").orElse(null));
    }

    /**
     * Route {@code gpt-test} to the healthy {@code good} upstream and route {@code broken} to
     * {@code bad}, whose connect timeout (10 s) is long enough to tell a refusal from a timeout.
     */
    private static String twoProviders(String good, String bad) {
        return "providers:\n"
                + "  - name: good\n"
                + "    kind: openai\n"
                + "    baseUrl: " + good + "\n"
                + "    apiKey: " + EndToEndSupport.UPSTREAM_SECRET + "\n"
                + "    timeouts: {connect: 1s, firstByte: 2s, idle: 1s, total: 10s}\n"
                + "  - name: bad\n"
                + "    kind: openai\n"
                + "    baseUrl: " + bad + "\n"
                + "    apiKey: " + EndToEndSupport.UPSTREAM_SECRET + "\n"
                + "    timeouts: {connect: 10s, firstByte: 2s, idle: 1s, total: 20s}\n"
                + "deployments:\n"
                + "  - {name: main, provider: good, model: upstream-model}\n"
                + "  - {name: broken, provider: bad, model: upstream-model}\n"
                + "routes:\n"
                + "  - {model: gpt-test, deployments: [main]}\n"
                + "  - {model: broken, deployments: [broken]}\n"
                + EndToEndSupport.keyYaml();
    }
}
