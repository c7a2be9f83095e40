package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.UPSTREAM_SECRET;
import static io.brokle.proxy.EndToEndSupport.WAIT;
import static io.brokle.proxy.EndToEndSupport.assertOpenAiError;
import static io.brokle.proxy.EndToEndSupport.await;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.expectedCompletion;
import static io.brokle.proxy.EndToEndSupport.parse;
import static io.brokle.proxy.EndToEndSupport.scrapeCounter;
import static io.brokle.proxy.RawHttpSupport.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Routing, retries, Retry-After cool-downs and circuit breakers through a running gateway, with
 * scripted upstreams A and B (deployments {@code da} and {@code db} of providers {@code pa} and
 * {@code pb}) counting what reaches them. What may be retried is (connect refused, 429 and 5xx
 * answered before anything reached the client); what may have been processed is not (a cut
 * stream, a timeout after the request was sent); client errors are final and never count
 * against the provider. Time windows are checked by counting at the upstream, not by sleeping.
 */
class RoutingEndToEndTest {
    private static final String PROMPT = "route me";
    private static final String MODEL = "gpt-test";
    private static final MockCompletions.Completion EXPECTED = expectedCompletion(MockOptions.DEFAULTS, PROMPT);

    private ScriptedUpstream a;
    private ScriptedUpstream b;
    private TestGateway gw;
    private HttpClient http;

    @BeforeEach
    void start() {
        a = ScriptedUpstream.start();
        b = ScriptedUpstream.start();
        http = EndToEndSupport.httpClient();
    }

    @AfterEach
    void stop() {
        http.close();
        if (gw != null) {
            gw.close();
        }
        a.close();
        b.close();
    }

    // 1
    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void a503FromTheFirstDeploymentIsAnsweredByTheSecond(boolean stream) {
        a.setDefault(Behaviour.status(503, "server_error", "A is overloaded"));
        gw = TestGateway.start(aThenB(""));

        HttpResponse<String> answer = chatRequest(stream);

        assertEquals(200, answer.statusCode(), answer.body());
        if (stream) {
            assertTrue(answer.body().endsWith("data: [DONE]\n\n"), answer.body());
            assertEquals(EXPECTED.content(), EndToEndSupport.streamedContent(answer.body()));
        } else {
            assertEquals(EXPECTED.content(), content(answer));
        }
        assertEquals("db", header(answer, "x-brokle-deployment"));
        assertEquals("pb", header(answer, "x-brokle-provider"));
        assertEquals("2", header(answer, "x-brokle-attempts"));
        assertEquals(1, a.requestCount());
        assertEquals(1, b.requestCount());
        assertEquals("b-model", b.requests().getFirst().bodyJson().get("model").asText(),
                "the retry is rewritten for B's deployment");
    }

    // 2 (F4, with a fallback deployment)
    @ParameterizedTest(name = "Retry-After: {0}")
    @ValueSource(strings = {"seconds", "http-date"})
    void a429WithRetryAfterSendsEveryRequestToBAndNothingToAUntilTheWaitIsOver(String form) {
        long start = System.nanoTime();
        // An HTTP date has whole seconds: now + 3 s, truncated, is at least 2 s away.
        String retryAfter = form.equals("seconds") ? "2"
                : DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3));
        a.setDefault(Behaviour.rateLimited(retryAfter));
        gw = TestGateway.start(aThenB(""));

        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            HttpResponse<String> answer = chatRequest(false);
            assertEquals(200, answer.statusCode(), answer.body());
            servedBy.add(header(answer, "x-brokle-deployment"));
        }
        long took = System.nanoTime() - start;

        assertTrue(took < Duration.ofSeconds(2).toNanos(),
                () -> "the check needs all requests inside the 2 s window; they took " + took / 1_000_000 + " ms");
        assertEquals(List.of("db", "db", "db", "db", "db", "db", "db", "db", "db", "db", "db"), servedBy,
                "every request succeeds via B");
        assertEquals(1, a.requestCount(), "only the first request reached A; the next 10 stayed away from it");
        assertEquals(11, b.requestCount());
    }

    // 3 (F4, without a fallback)
    @Test
    void a429WithoutAnotherDeploymentIsPassedOnAndTheGatewayAnswersForAUntilTheWaitIsOver() {
        a.enqueue(Behaviour.rateLimited("2"));
        gw = TestGateway.start(onlyA(""));

        HttpResponse<String> first = chatRequest(false);
        long limitedAt = System.nanoTime();

        assertEquals(429, first.statusCode(), first.body());
        assertEquals("2", header(first, "retry-after"), "the provider's Retry-After reaches the client");
        assertOpenAiError(first.body(), "rate_limit_exceeded");
        assertEquals("1", header(first, "x-brokle-attempts"), "A asked for 2 s: no retry against A");

        HttpResponse<String> second = chatRequest(false);
        long elapsedMillis = (System.nanoTime() - limitedAt) / 1_000_000;

        assertEquals(429, second.statusCode(), second.body());
        JsonNode error = assertOpenAiError(second.body(), "upstream_rate_limited");
        assertEquals("rate_limit_error", error.get("type").asText());
        String retryAfter = header(second, "retry-after");
        assertNotNull(retryAfter, "the gateway's own 429 says when to come back");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= 1 && seconds * 1000 >= 2000 - elapsedMillis && seconds <= 2,
                () -> "Retry-After " + seconds + " s, " + elapsedMillis + " ms after the provider asked for 2 s");
        assertEquals(1, a.requestCount(), "the gateway answered for A");

        // A resumes once its wait is over, and not a moment before.
        boolean resumed = await(() -> {
            HttpResponse<String> r = chatRequest(false);
            assertTrue(r.statusCode() == 200 || a.requestCount() == 1,
                    () -> "a request reached A during its wait: " + r.statusCode());
            return r.statusCode() == 200;
        }, Duration.ofSeconds(5));
        long resumedAfterMillis = (System.nanoTime() - limitedAt) / 1_000_000;
        assertTrue(resumed, "A was never called again");
        assertTrue(resumedAfterMillis >= 1_900, () -> "A was called again after " + resumedAfterMillis + " ms");
        assertEquals(2, a.requestCount());
    }

    // 4 (F5: connect refused is retried)
    @Test
    void aRefusedConnectionIsRetriedOnTheNextDeployment() {
        String closed = "http://127.0.0.1:" + CannedUpstreamSupport.closedPort() + "/v1";
        gw = TestGateway.start(config(provider("pa", closed, "2s", "10s") + provider("pb", b.baseUrl(), "2s", "10s"),
                DEPLOYMENTS, route(MODEL, "[da, db]", "")));

        HttpResponse<String> answer = chatRequest(false);

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(EXPECTED.content(), content(answer));
        assertEquals("db", header(answer, "x-brokle-deployment"));
        assertEquals("2", header(answer, "x-brokle-attempts"));
        assertEquals(1, b.requestCount());
    }

    // 5 (F5: a stream cut after it started is not retried)
    @Test
    void aStreamCutAfterTwoChunksIsNotRetriedAndEndsWithATruncationEvent() {
        a.enqueue(Behaviour.dropAfterChunks(2));
        gw = TestGateway.start(aThenB(""));

        Head head;
        List<Event> events;
        try (RawHttpSupport client = RawHttpSupport.connect(gw.port())) {
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat(MODEL, PROMPT, true)));
            head = client.readHead();
            events = client.readEvents();
        }

        assertEquals(200, head.status());
        assertEquals("da", head.header("x-brokle-deployment"));
        assertEquals(List.of(EXPECTED.chunk(0), EXPECTED.chunk(1)), contents(events));
        assertFalse(events.stream().anyMatch(Event::done), "a cut stream never ends with [DONE]");
        Event last = events.getLast();
        assertTrue(last.data().startsWith("{\"error\""), () -> "ends with an error event: " + last.data());
        assertOpenAiError(last.data(), "upstream_truncated");
        assertEquals(1, a.requestCount());
        assertEquals(0, b.requestCount(), "a stream the client already saw part of is never replayed elsewhere");
    }

    // 6 (F5: a timeout after the request was sent is not retried)
    @Test
    void aFirstByteTimeoutAfterSendIsA504AndNotRetried() throws Exception {
        a.setDefault(Behaviour.slowFirstByte(Duration.ofSeconds(3)));
        gw = TestGateway.start(config(provider("pa", a.baseUrl(), "300ms", "10s")
                + provider("pb", b.baseUrl(), "2s", "10s"), DEPLOYMENTS, route(MODEL, "[da, db]", "")));
        long start = System.nanoTime();

        HttpResponse<String> answer = chatRequest(false);

        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, answer.statusCode(), answer.body());
        assertOpenAiError(answer.body(), "upstream_timeout");
        assertTrue(tookMillis < 2_000, () -> "answered after " + tookMillis + " ms (A's firstByte: 300 ms)");
        assertEquals("da", header(answer, "x-brokle-deployment"));
        assertEquals(1, a.requestCount(), "A got exactly one copy");
        assertEquals(0, b.requestCount(), "A may be processing it: no second copy elsewhere");
        assertTrue(a.awaitConnectionClosed(WAIT), "the gateway gave up on A's connection");
    }

    // 7 (F6: breaker)
    @Test
    void fiveConsecutive500sOpenTheBreakerAndTheSixthRequestIsRefusedWithoutCallingA() {
        a.setDefault(Behaviour.status(500, "server_error", "The server had an error while processing your request."));
        gw = TestGateway.start(config(provider("pa", a.baseUrl(), "2s", "10s"), "  - {name: da, provider: pa, model: a-model}\n",
                route(MODEL, "[da]", ", maxAttempts: 1")));

        for (int i = 1; i <= 5; i++) {
            HttpResponse<String> answer = chatRequest(false);
            assertEquals(500, answer.statusCode(), "request " + i + ": " + answer.body());
            assertEquals("server_error", assertOpenAiError(answer.body()).get("type").asText());
            assertEquals("1", header(answer, "x-brokle-attempts"));
        }
        assertEquals(5, a.requestCount());

        HttpResponse<String> sixth = chatRequest(false);

        assertEquals(503, sixth.statusCode(), sixth.body());
        assertOpenAiError(sixth.body(), "model_unavailable");
        assertEquals(5, a.requestCount(), "the open breaker kept the sixth request away from A");
        String series = "brokle_upstream_attempts_total{provider=\"pa\",deployment=\"da\",result=\"upstream_error\"}";
        assertTrue(await(() -> gw.metrics().counter(series) == 5, WAIT),
                () -> series + " = " + gw.metrics().counter(series));
        assertEquals(5, scrapeCounter(http, gw, series), "the attempts are on /metrics");
    }

    // 7b (F6: max ejection percent)
    @ParameterizedTest(name = "maxEjectionPercent: {0}")
    @ValueSource(ints = {50, 100})
    void openBreakersNeverEjectMoreThanTheRoutesLimit(int maxEjectionPercent) {
        a.setDefault(Behaviour.status(500, "server_error", "A is down"));
        b.setDefault(Behaviour.status(500, "server_error", "B is down"));
        gw = TestGateway.start(aThenB(", maxAttempts: 1, maxEjectionPercent: " + maxEjectionPercent));

        // Priority order: five failures open A's breaker, the next five go to B and open B's.
        for (int i = 1; i <= 10; i++) {
            assertEquals(500, chatRequest(false).statusCode(), "request " + i);
        }
        assertEquals(5, a.requestCount());
        assertEquals(5, b.requestCount());

        HttpResponse<String> eleventh = chatRequest(false);

        if (maxEjectionPercent == 100) {
            assertEquals(503, eleventh.statusCode(), eleventh.body());
            assertOpenAiError(eleventh.body(), "model_unavailable");
            assertEquals(5, a.requestCount(), "both deployments may be ejected: nobody was called");
            return;
        }
        assertEquals(500, eleventh.statusCode(), "half of two deployments: one is kept in rotation, " + eleventh.body());
        assertEquals("da", header(eleventh, "x-brokle-deployment"));
        assertEquals(6, a.requestCount(), "A's breaker is open, but the limit kept it in rotation");

        a.setDefault(Behaviour.normal());
        HttpResponse<String> recovered = chatRequest(false);
        assertEquals(200, recovered.statusCode(), recovered.body());
        assertEquals("da", header(recovered, "x-brokle-deployment"));
    }

    // 7c (model aliases)
    @Test
    void aRouteAnswersToItsAliasesAndListsThem() {
        gw = TestGateway.start(config(provider("pa", a.baseUrl(), "2s", "10s"), "  - {name: da, provider: pa, model: a-model}\n",
                route(MODEL, "[da]", ", aliases: [gpt-alias, legacy-name]")));

        HttpResponse<String> answer = EndToEndSupport.post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-alias", PROMPT, false));

        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals(EXPECTED.content(), content(answer));
        assertEquals("da", header(answer, "x-brokle-deployment"));
        assertEquals("a-model", a.requests().getFirst().bodyJson().get("model").asText(),
                "the alias is rewritten to the deployment's model like the route's own name");
        assertEquals(List.of("gpt-alias", MODEL, "legacy-name"),
                EndToEndSupport.modelIds(EndToEndSupport.get(http, gw, "/v1/models", TestGateway.KEY).body()));
    }

    // 8 (fallback route on a context-window error)
    @Test
    void aContextLengthErrorMovesToTheFallbackRoutesDeployment() {
        try (CannedUpstreamSupport small = CannedUpstreamSupport.answering(400, "Bad Request", "application/json",
                CONTEXT_LENGTH_EXCEEDED)) {
            gw = TestGateway.start(fallbackConfig(small.baseUrl()));

            HttpResponse<String> answer = chatRequest(false);

            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(EXPECTED.content(), content(answer));
            assertEquals("dy", header(answer, "x-brokle-deployment"));
            assertEquals("2", header(answer, "x-brokle-attempts"));
            assertEquals(1, small.requests());
            assertEquals(1, b.requestCount());
            assertEquals("large-model", b.requests().getFirst().bodyJson().get("model").asText());
        }
    }

    @Test
    void everyContextLengthErrorMovesToTheFallbackNotOnlyTheFirstFew() {
        try (CannedUpstreamSupport small = CannedUpstreamSupport.answering(400, "Bad Request", "application/json",
                CONTEXT_LENGTH_EXCEEDED)) {
            gw = TestGateway.start(fallbackConfig(small.baseUrl()));

            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                statuses.add(chatRequest(false).statusCode());
            }

            assertEquals(java.util.Collections.nCopies(15, 200), statuses,
                    "a long prompt is a property of the request, not an outage of the small model: "
                            + "the fallback must not run out");
            assertEquals(15, b.requestCount());
        }
    }

    // F5: a connection closed after the request was sent may have been processed
    @Test
    void aConnectionClosedAfterTheRequestWasSentIsNotRetried() throws Exception {
        a.enqueue(Behaviour.dropBeforeResponse());
        gw = TestGateway.start(aThenB(""));

        HttpResponse<String> answer = chatRequest(false);

        assertEquals(502, answer.statusCode(), answer.body());
        assertOpenAiError(answer.body(), "upstream_unavailable");
        assertEquals(1, a.requestCount(), "A got exactly one copy");
        assertEquals(0, b.requestCount(), "A may have processed it: no second copy elsewhere");
    }

    // 9
    @Test
    void aPlainInvalidRequestErrorIsNotRetried() {
        a.setDefault(Behaviour.status(400, "invalid_request_error", "'messages' must contain at least one message."));
        gw = TestGateway.start(aThenB(""));

        HttpResponse<String> answer = chatRequest(false);

        assertEquals(400, answer.statusCode(), answer.body());
        assertEquals("invalid_request_error", assertOpenAiError(answer.body()).get("type").asText());
        assertEquals("1", header(answer, "x-brokle-attempts"));
        assertEquals(1, a.requestCount());
        assertEquals(0, b.requestCount(), "the same request would fail the same way on B");
    }

    // 10 (F5: bounded attempts)
    @ParameterizedTest(name = "maxAttempts: {0}")
    @ValueSource(ints = {1, 3, 5})
    void whenEveryDeploymentFailsExactlyMaxAttemptsRequestsAreMadeAndTheLastErrorIsPassedOn(int maxAttempts) {
        a.setDefault(Behaviour.status(503, "server_error", "A is overloaded"));
        b.setDefault(Behaviour.status(503, "server_error", "B is overloaded"));
        gw = TestGateway.start(aThenB(", maxAttempts: " + maxAttempts));

        HttpResponse<String> answer = chatRequest(false);

        assertEquals(503, answer.statusCode(), answer.body());
        JsonNode error = assertOpenAiError(answer.body());
        assertEquals(maxAttempts, a.requestCount() + b.requestCount(), "upstream requests in total");
        assertEquals(String.valueOf(maxAttempts), header(answer, "x-brokle-attempts"));
        String lastDeployment = maxAttempts % 2 == 1 ? "da" : "db";
        assertEquals(lastDeployment, header(answer, "x-brokle-deployment"), "A, B, A, ... in priority order");
        assertEquals(lastDeployment.equals("da") ? "A is overloaded" : "B is overloaded", error.get("message").asText(),
                "the last upstream error, as the provider sent it");
        assertEquals("server_error", error.get("type").asText());
    }

    // 11 (F6: client errors never count against the provider)
    @Test
    void clientErrorsFromTheProviderNeverOpenTheBreaker() {
        a.setDefault(Behaviour.status(401, "invalid_request_error", "Incorrect API key provided."));
        gw = TestGateway.start(onlyA(""));

        for (int i = 1; i <= 10; i++) {
            HttpResponse<String> answer = chatRequest(false);
            assertEquals(401, answer.statusCode(), "request " + i + ": " + answer.body());
        }
        assertEquals(10, a.requestCount(), "a 401 is not retried");
        a.setDefault(Behaviour.normal());

        HttpResponse<String> next = chatRequest(false);

        assertEquals(200, next.statusCode(), next.body());
        assertEquals("da", header(next, "x-brokle-deployment"));
        assertEquals(11, a.requestCount(), "the breaker stayed closed");
    }

    // F5: total time <= the request deadline, across attempts
    @Test
    void aRetryDoesNotRunPastTheRequestDeadline() {
        // A answers 503 after 600 ms; B would answer after 900 ms more. Both allow 1 s in total.
        MockOptions slow = new MockOptions(Duration.ofMillis(600), MockOptions.DEFAULT_CHUNK_DELAY,
                MockOptions.DEFAULT_CHUNKS, MockOptions.DEFAULTS.chunkChars(), MockOptions.DEFAULTS.embeddingDimensions());
        try (ScriptedUpstream slowA = ScriptedUpstream.start(slow)) {
            slowA.setDefault(Behaviour.status(503, "server_error", "A is overloaded"));
            b.setDefault(Behaviour.slowFirstByte(Duration.ofMillis(900)));
            gw = TestGateway.start(config(provider("pa", slowA.baseUrl(), "2s", "1s")
                    + provider("pb", b.baseUrl(), "2s", "1s"), DEPLOYMENTS, route(MODEL, "[da, db]", "")));
            long start = System.nanoTime();

            HttpResponse<String> answer = chatRequest(false);

            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, slowA.requestCount());
            assertTrue(tookMillis < 1_300, () -> "answered " + answer.statusCode() + " after " + tookMillis
                    + " ms; the request's deadline (the first provider's total) is 1 s");
            assertEquals(504, answer.statusCode(), answer.body());
        }
    }

    // --- helpers ----------------------------------------------------------------------------

    /** What OpenAI answers for a prompt longer than the model's context window. */
    private static final String CONTEXT_LENGTH_EXCEEDED = "{\"error\":{\"message\":\"This model's maximum context "
            + "length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the "
            + "messages.\",\"type\":\"invalid_request_error\",\"param\":\"messages\","
            + "\"code\":\"context_length_exceeded\"}}";

    /** Route {@link #MODEL} to deployment {@code dx} at {@code smallUrl}, falling back to route {@code large} (B). */
    private String fallbackConfig(String smallUrl) {
        return config(provider("px", smallUrl, "2s", "10s") + provider("pb", b.baseUrl(), "2s", "10s"),
                "  - {name: dx, provider: px, model: small-model}\n"
                        + "  - {name: dy, provider: pb, model: large-model}\n",
                route(MODEL, "[dx]", ", fallbacks: [large]") + route("large", "[dy]", ""));
    }

    private static final String DEPLOYMENTS = "  - {name: da, provider: pa, model: a-model}\n"
            + "  - {name: db, provider: pb, model: b-model}\n";

    /** Route {@link #MODEL} to A first, then B ({@code priority}); {@code extra} adds route fields. */
    private String aThenB(String extra) {
        return config(provider("pa", a.baseUrl(), "2s", "10s") + provider("pb", b.baseUrl(), "2s", "10s"),
                DEPLOYMENTS, route(MODEL, "[da, db]", extra));
    }

    /** Route {@link #MODEL} to A only. */
    private String onlyA(String extra) {
        return config(provider("pa", a.baseUrl(), "2s", "10s"), "  - {name: da, provider: pa, model: a-model}\n",
                route(MODEL, "[da]", extra));
    }

    private static String route(String model, String deployments, String extra) {
        return "  - {model: " + model + ", deployments: " + deployments + ", strategy: priority" + extra + "}\n";
    }

    private static String provider(String name, String baseUrl, String firstByte, String total) {
        return "  - name: " + name + "\n"
                + "    kind: openai\n"
                + "    baseUrl: " + baseUrl + "\n"
                + "    apiKey: " + UPSTREAM_SECRET + "\n"
                + "    timeouts: {connect: 1s, firstByte: " + firstByte + ", idle: 1s, total: " + total + "}\n";
    }

    private static String config(String providers, String deployments, String routes) {
        return "server: {requestReadTimeout: 2s, idleTimeout: 5s, shutdownGrace: 5s, maxBodyBytes: 1MiB}\n"
                + "providers:\n" + providers
                + "deployments:\n" + deployments
                + "routes:\n" + routes
                + EndToEndSupport.keyYaml();
    }

    private HttpResponse<String> chatRequest(boolean stream) {
        return EndToEndSupport.post(http, gw, CHAT_PATH, TestGateway.KEY, chat(MODEL, PROMPT, stream));
    }

    private static String header(HttpResponse<String> answer, String name) {
        return answer.headers().firstValue(name).orElse(null);
    }

    private static String content(HttpResponse<String> answer) {
        return parse(answer.body()).path("choices").path(0).path("message").path("content").asText();
    }

    private static List<String> contents(List<Event> events) {
        List<String> pieces = new ArrayList<>();
        for (Event e : events) {
            String piece = parse(e.data()).path("choices").path(0).path("delta").path("content").asText("");
            if (!piece.isEmpty()) {
                pieces.add(piece);
            }
        }
        return pieces;
    }
}
