package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.assertOpenAiError;
import static io.brokle.proxy.EndToEndSupport.await;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.expectedCompletion;
import static io.brokle.proxy.EndToEndSupport.streamedContent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.MockOptions;
import io.brokle.proxy.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY-CHECKS L3 through a running gateway: past {@code server.maxInFlight} a new request
 * is shed at once with 503, {@code Retry-After} and an OpenAI error, while the streams already in
 * flight complete untouched, health is still answered, no shed request reaches a provider (so
 * none can count against its breaker), and service resumes as soon as load drops.
 */
class OverloadSheddingTest {
    /** Long enough for the test to send its extra request while the first two are in flight. */
    private static final MockOptions MOCK = new MockOptions(Duration.ofMillis(1500), Duration.ZERO, 5, 10, 8);

    @Test
    void pastMaxInFlightNewRequestsAreShedWhileInFlightStreamsComplete() throws Exception {
        try (TestGateway gw = TestGateway.start(config(2))) {
            HttpClient http = EndToEndSupport.httpClient();
            List<CompletableFuture<HttpResponse<String>>> inFlight = List.of(
                    http.sendAsync(request(gw, "first"), HttpResponse.BodyHandlers.ofString()),
                    http.sendAsync(request(gw, "second"), HttpResponse.BodyHandlers.ofString()));
            assertTrue(await(() -> gw.metrics().activeRequests() == 2, Duration.ofSeconds(5)));

            HttpResponse<String> shed = http.send(request(gw, "third"), HttpResponse.BodyHandlers.ofString());

            assertEquals(503, shed.statusCode(), shed.body());
            assertEquals("1", shed.headers().firstValue("retry-after").orElse(null));
            assertOpenAiError(shed.body(), "gateway_overloaded");
            assertEquals(200, EndToEndSupport.get(http, gw, "/health", null).statusCode(),
                    "health is answered under overload");
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> answer = inFlight.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode(), answer.body());
                assertEquals(expectedCompletion(MOCK, i == 0 ? "first" : "second").content(),
                        streamedContent(answer.body()), "the streams in flight are untouched");
            }
            String attempts = "brokle_upstream_attempts_total{provider=\"mock\",deployment=\"demo-mock\",result=\"ok\"}";
            // The attempt is counted once it ends, which may be just after the client read its last byte.
            assertTrue(await(() -> gw.metrics().counter(attempts) == 2, Duration.ofSeconds(5)),
                    () -> "attempts: " + gw.metrics().counter(attempts));
            assertEquals(2, gw.metrics().counter(attempts), "the shed request never reached the provider");

            HttpResponse<String> after = http.send(request(gw, "fourth"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), "service resumes once load drops: " + after.body());
            http.close();
        }
    }

    private static HttpRequest request(TestGateway gw, String prompt) {
        return HttpRequest.newBuilder(URI.create(gw.baseUrl() + CHAT_PATH))
                .header("authorization", "Bearer " + TestGateway.KEY)
                .header("content-type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(chat("demo", prompt, true)))
                .build();
    }

    private static String config(int maxInFlight) {
        return "server: {requestReadTimeout: 10s, idleTimeout: 30s, shutdownGrace: 5s, maxBodyBytes: 1MiB, maxInFlight: "
                + maxInFlight + "}\n"
                + "providers:\n"
                + "  - name: mock\n"
                + "    kind: mock\n"
                + "    mock: {latency: " + MOCK.latency().toMillis() + "ms, chunkDelay: 0ms, chunks: " + MOCK.chunks()
                + ", chunkChars: " + MOCK.chunkChars() + ", embeddingDimensions: " + MOCK.embeddingDimensions() + "}\n"
                + "deployments:\n"
                + "  - {name: demo-mock, provider: mock, model: mock-1}\n"
                + "routes:\n"
                + "  - {model: demo, deployments: [demo-mock]}\n"
                + EndToEndSupport.keyYaml();
    }
}
