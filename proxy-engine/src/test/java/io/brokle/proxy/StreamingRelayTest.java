package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.UPSTREAM_SECRET;
import static io.brokle.proxy.EndToEndSupport.await;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.expectedCompletion;
import static io.brokle.proxy.EndToEndSupport.parse;
import static io.brokle.proxy.EndToEndSupport.post;
import static io.brokle.proxy.EndToEndSupport.without;
import static io.brokle.proxy.RawHttpSupport.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.config.MockOptions;
import io.brokle.proxy.RawHttpSupport.Event;
import io.brokle.proxy.RawHttpSupport.Head;
import io.brokle.proxy.mock.MockCompletions;
import io.brokle.proxy.testing.Behaviour;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay seen from both ends over plain HTTP: what the upstream receives (credential, body),
 * how streamed events reach the client (one by one, as they are produced), request ids,
 * cancellation when the client hangs up, upstream keep-alive and client pipelining.
 */
class StreamingRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(2);

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

    @Test
    void upstreamGetsTheProviderKeyAndNeverTheVirtualKey() throws Exception {
        String[][] presentations = {
            {"Authorization", "Bearer " + TestGateway.KEY},
            {"x-api-key", TestGateway.KEY},
            {"api-key", TestGateway.KEY},
        };
        for (String[] presented : presentations) {
            for (boolean stream : new boolean[] {false, true}) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + CHAT_PATH))
                        .header(presented[0], presented[1])
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chat("gpt-test", "hi", stream)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), answer.body());

                RecordedRequest sent = upstream.takeRequest(WAIT);
                assertNotNull(sent, "the upstream got the request");
                assertEquals("/v1/chat/completions", sent.path());
                assertEquals(List.of("Bearer " + UPSTREAM_SECRET), sent.headerValues("authorization"),
                        "the provider's credential, once, key presented as " + presented[0]);
                for (Map.Entry<String, String> header : sent.headers()) {
                    assertFalse(header.getValue().contains(TestGateway.KEY),
                            "the virtual key went upstream in header " + header.getKey());
                }
                assertFalse(sent.bodyText().contains(TestGateway.KEY), "the virtual key went upstream in the body");
                assertFalse(answer.body().contains(UPSTREAM_SECRET), "the provider key came back");
            }
        }
    }

    @Test
    void nonStreamedBodyGoesUpstreamByteForByteExceptTheModel() throws Exception {
        // Unusual but valid JSON: spacing, field order, escapes, number spellings, unknown fields.
        String body = "{ \"messages\" : [ {\"role\":\"user\", \"content\":\"h\\u00e9llo \\\"quoted\\\" \u00fcml\u00e4ut\"} ],\n"
                + "  \"temperature\": 1.10, \"top_p\":1e0, \"metadata\" : {\"trace\":\"abc\"},\n"
                + "  \"model\"  :  \"gpt-test\" , \"x_vendor_field\": [1, 2.50, null, true] }";

        HttpResponse<String> answer = post(http, gw, CHAT_PATH, TestGateway.KEY, body);

        assertEquals(200, answer.statusCode(), answer.body());
        RecordedRequest sent = upstream.takeRequest(WAIT);
        assertEquals(body.replace("\"gpt-test\"", "\"upstream-model\""), sent.bodyText(),
                "only the model name changes, every other byte is the client's");
        assertEquals("upstream-model", sent.bodyJson().get("model").asText());
        assertEquals(without(parse(body), "model"), without(sent.bodyJson(), "model"));
    }

    @Test
    void streamedBodyAsksForUsageAndIsOtherwiseTheClientsJson() throws Exception {
        String body = "{\"model\":\"gpt-test\",\"stream\":true,\"temperature\":0.25,\"n\":1,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]}";

        HttpResponse<String> answer = post(http, gw, CHAT_PATH, TestGateway.KEY, body);

        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode sent = upstream.takeRequest(WAIT).bodyJson();
        assertEquals("upstream-model", sent.get("model").asText());
        assertEquals(parse("{\"include_usage\":true}"), sent.get("stream_options"));
        assertEquals(without(parse(body), "model", "stream_options"), without(sent, "model", "stream_options"));
    }

    @Test
    void otherStreamOptionsSurviveWhenUsageIsAdded() throws Exception {
        String body = "{\"model\":\"gpt-test\",\"stream\":true,\"stream_options\":{\"include_obfuscation\":false},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"seed\":7}";

        HttpResponse<String> answer = post(http, gw, CHAT_PATH, TestGateway.KEY, body);

        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode sent = upstream.takeRequest(WAIT).bodyJson();
        assertEquals(parse("{\"include_obfuscation\":false,\"include_usage\":true}"), sent.get("stream_options"));
        assertEquals("upstream-model", sent.get("model").asText());
        assertEquals(without(parse(body), "model", "stream_options"), without(sent, "model", "stream_options"));
    }

    @Test
    void bodyIsByteIdenticalWhenNothingNeedsChanging() throws Exception {
        // Route "limited" serves upstream model "limited": no rename; the client already asks for usage.
        String streamed = "{\"model\":\"limited\", \"stream\":true, \"stream_options\":{\"include_usage\":true},"
                + " \"messages\":[{\"role\":\"user\",\"content\":\"same bytes\"}], \"max_tokens\": 5 }";
        String whole = "{\"messages\":[{\"role\":\"user\",\"content\":\"same bytes\"}],\"model\":\"limited\"}";

        for (String body : List.of(streamed, whole)) {
            HttpResponse<String> answer = post(http, gw, CHAT_PATH, TestGateway.KEY, body);
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals(body, upstream.takeRequest(WAIT).bodyText());
        }
    }

    @Test
    void sseEventsReachTheClientOneByOneWhileTheUpstreamIsStillWriting() throws Exception {
        Duration delay = Duration.ofMillis(100);
        MockOptions slow = new MockOptions(Duration.ZERO, delay, 6, 8, 16);
        MockCompletions.Completion expected = expectedCompletion(slow, "pace");
        // Upstream events: role, 6 contents, finish, usage (the gateway asks for it), [DONE]: the
        // last is written no earlier than 9 delays after the first.
        int upstreamEvents = 1 + slow.chunks() + 1 + 1 + 1;
        try (ScriptedUpstream slowUpstream = ScriptedUpstream.start(slow);
             TestGateway slowGw = TestGateway.start(TestGateway.openAiYaml(slowUpstream.baseUrl()));
             RawHttpSupport client = RawHttpSupport.connect(slowGw.port())) {
            long sent = System.nanoTime();
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", "pace", true)));

            Head head = client.readHead();
            List<Event> events = client.readEvents();

            assertEquals(200, head.status());
            assertTrue(head.header("content-type").startsWith("text/event-stream"), head.headers().toString());
            assertTrue(head.chunked(), "streamed with chunked encoding, not collected");
            List<Event> contents = new ArrayList<>();
            StringBuilder content = new StringBuilder();
            for (Event e : events) {
                if (!e.done()) {
                    String piece = parse(e.data()).path("choices").path(0).path("delta").path("content").asText("");
                    if (!piece.isEmpty()) {
                        contents.add(e);
                        content.append(piece);
                    }
                }
            }
            assertEquals(expected.content(), content.toString());
            assertEquals(slow.chunks(), contents.size());
            assertTrue(events.getLast().done(), "ends with [DONE]");
            assertEquals(upstreamEvents - 1, events.size(), "every upstream event but the hidden usage chunk");

            long lastSentNoEarlierThan = sent + (upstreamEvents - 1) * delay.toNanos();
            Event first = contents.getFirst();
            assertTrue(first.arrivedNanos() < lastSentNoEarlierThan, () -> "the first content event arrived "
                    + millis(first.arrivedNanos() - sent) + " ms after the request, when the upstream could not "
                    + "yet have sent its last event (" + millis(lastSentNoEarlierThan - sent) + " ms)");
            assertTrue(events.getLast().arrivedNanos() - first.arrivedNanos() >= 5 * delay.toNanos(),
                    () -> "events spread over the upstream's pace, not delivered at once: "
                            + millis(events.getLast().arrivedNanos() - first.arrivedNanos()) + " ms");
            Set<Integer> chunks = new HashSet<>();
            contents.forEach(e -> chunks.add(e.chunk()));
            assertEquals(contents.size(), chunks.size(), "each content event came in its own flush");
        }
    }

    @Test
    void everyAnswerCarriesARequestId() throws Exception {
        List<HttpResponse<String>> answers = List.of(
                post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-test", "a", false)),
                post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-test", "b", true)),
                post(http, gw, CHAT_PATH, "brk-wrong-key", chat("gpt-test", "c", false)),
                post(http, gw, CHAT_PATH, TestGateway.KEY, chat("nope", "d", false)),
                post(http, gw, CHAT_PATH, TestGateway.KEY, "{\"model\":\"gpt-test\"}"));

        assertEquals(List.of(200, 200, 401, 404, 400), answers.stream().map(HttpResponse::statusCode).toList());
        Set<String> ids = new HashSet<>();
        for (HttpResponse<String> answer : answers) {
            String id = answer.headers().firstValue("x-request-id").orElse(null);
            assertNotNull(id, () -> "no x-request-id on " + answer.statusCode() + " " + answer.body());
            assertFalse(id.isBlank());
            ids.add(id);
        }
        assertEquals(answers.size(), ids.size(), "request ids are distinct: " + ids);
    }

    @Test
    void clientHangingUpMidStreamClosesTheUpstreamConnection() throws Exception {
        // 40 chunks 100 ms apart: the upstream would write for 4 s.
        MockOptions slow = new MockOptions(Duration.ZERO, Duration.ofMillis(100), 40, 8, 16);
        try (ScriptedUpstream slowUpstream = ScriptedUpstream.start(slow);
             TestGateway slowGw = TestGateway.start(TestGateway.openAiYaml(slowUpstream.baseUrl()));
             RawHttpSupport client = RawHttpSupport.connect(slowGw.port())) {
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", "long", true)));
            assertEquals(200, client.readHead().status());
            client.nextEvent();
            Event firstContent = client.nextEvent();
            assertTrue(firstContent.data().contains("\"content\""), firstContent.data());
            assertEquals(1, slowGw.metrics().activeRequests());

            client.close();

            assertTrue(slowUpstream.awaitConnectionClosed(Duration.ofSeconds(1)),
                    "the gateway closed the upstream connection within 1 s of the client hanging up");
            assertTrue(await(() -> slowGw.metrics().activeRequests() == 0, Duration.ofSeconds(1)),
                    () -> "brokle_active_requests back to 0, is " + slowGw.metrics().activeRequests());
        }
    }

    @Test
    void clientHangingUpBeforeTheFirstByteClosesTheUpstreamConnection() throws Exception {
        upstream.enqueue(Behaviour.slowFirstByte(Duration.ofSeconds(5)));
        try (RawHttpSupport client = RawHttpSupport.connect(gw.port())) {
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", "wait", false)));
            assertNotNull(upstream.takeRequest(WAIT), "the upstream got the request");
            assertEquals(0, upstream.connectionsClosed());

            client.abort();
        }

        assertTrue(upstream.awaitConnectionClosed(Duration.ofSeconds(1)),
                "the gateway closed the upstream connection within 1 s, not at its 2 s first-byte timeout");
        assertTrue(await(() -> gw.metrics().activeRequests() == 0, Duration.ofSeconds(1)),
                () -> "brokle_active_requests back to 0, is " + gw.metrics().activeRequests());
    }

    @Test
    void sequentialRequestsReuseOneUpstreamConnection() {
        try (RawHttpSupport client = RawHttpSupport.connect(gw.port())) {
            for (int i = 0; i < 20; i++) {
                boolean stream = i % 2 == 1;
                client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", "n" + i, stream)));
                Head head = client.readHead();
                String body = client.readBodyText(head);
                assertEquals(200, head.status(), body);
                assertTrue(stream ? body.endsWith("data: [DONE]\n\n") : body.contains("\"chat.completion\""), body);
            }
        }

        assertEquals(20, upstream.requestCount());
        assertEquals(1, upstream.connectionsAccepted(), "one keep-alive upstream connection served all 20");
    }

    @Test
    void pipelinedRequestsGetTheirAnswersInOrder() throws Exception {
        // The first answer is the slow one, so a gateway that answered as upstreams finish would swap them.
        upstream.enqueue(Behaviour.slowFirstByte(Duration.ofMillis(300)));
        MockCompletions.Completion one = expectedCompletion(MockOptions.DEFAULTS, "one");
        MockCompletions.Completion two = expectedCompletion(MockOptions.DEFAULTS, "two");
        try (RawHttpSupport client = RawHttpSupport.connect(gw.port())) {
            client.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", "one", true))
                    + RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-test", "two", false)));

            Head first = client.readHead();
            StringBuilder streamed = new StringBuilder();
            List<Event> events = client.readEvents();
            for (Event e : events) {
                if (!e.done()) {
                    String piece = parse(e.data()).path("choices").path(0).path("delta").path("content").asText("");
                    streamed.append(piece);
                }
            }
            Head second = client.readHead();
            JsonNode secondBody = parse(client.readBody(second));

            assertEquals(200, first.status());
            assertEquals(one.content(), streamed.toString(), "first answer: the streamed \"one\"");
            assertTrue(events.getLast().done());
            assertEquals(200, second.status());
            assertEquals(two.content(), secondBody.path("choices").path(0).path("message").path("content").asText(),
                    "second answer: the whole \"two\"");
            assertNotEquals(first.header("x-request-id"), second.header("x-request-id"));
        }
        List<RecordedRequest> sent = upstream.requests();
        assertEquals(2, sent.size());
        assertTrue(sent.get(0).bodyText().contains("\"one\""));
        assertTrue(sent.get(1).bodyText().contains("\"two\""));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
