package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.await;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.expectedCompletion;
import static io.brokle.proxy.EndToEndSupport.streamedContent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.MockOptions;
import io.brokle.proxy.testing.TestGateway;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY-CHECKS L1, in its CI size: a thousand streams held open at once through one
 * gateway, each checked against what the mock provider derives from its own prompt, and nothing
 * left behind afterwards: no request counted as active, no connection (to clients or to the
 * provider) still open once the clients are gone and the pool's idle time has passed.
 */
class ConcurrentStreamsTest {
    private static final int STREAMS = 1_000;
    /** Twenty chunks 50 ms apart: every stream is open for a second, so they overlap. */
    private static final MockOptions MOCK = new MockOptions(Duration.ZERO, Duration.ofMillis(50), 20, 12, 8);
    /** The pool's idle limit, one sweep, and room for a slow machine. */
    private static final Duration SETTLE = Duration.ofSeconds(15);

    @Test
    void aThousandConcurrentStreamsArriveWholeAndLeaveNoConnectionBehind() throws Exception {
        try (TestGateway gw = TestGateway.start(config())) {
            long fdsBefore = openFileDescriptors();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>(STREAMS);
            for (int i = 0; i < STREAMS; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(gw.baseUrl() + CHAT_PATH))
                        .header("authorization", "Bearer " + TestGateway.KEY)
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(chat("demo", prompt(i), true)))
                        .build();
                answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
            }

            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < STREAMS; i++) {
                HttpResponse<String> answer = answers.get(i).get(90, TimeUnit.SECONDS);
                String body = answer.body();
                if (answer.statusCode() != 200 || !body.endsWith("data: [DONE]\n\n")
                        || !streamedContent(body).equals(expectedCompletion(MOCK, prompt(i)).content())) {
                    wrong.add("stream " + i + ": " + answer.statusCode() + " "
                            + body.substring(0, Math.min(200, body.length())));
                }
            }

            assertEquals(List.of(), wrong.subList(0, Math.min(5, wrong.size())),
                    wrong.size() + " of " + STREAMS + " streams were not relayed whole");
            assertTrue(await(() -> gw.metrics().activeRequests() == 0, Duration.ofSeconds(5)),
                    () -> "active requests after the run: " + gw.metrics().activeRequests());
            http.close();
            assertTrue(await(() -> openFileDescriptors() <= fdsBefore + 8, SETTLE),
                    () -> "open file descriptors: " + openFileDescriptors() + ", before the run: " + fdsBefore);
        }
    }

    private static String prompt(int i) {
        return "stream number " + i;
    }

    private static long openFileDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private static String config() {
        return "server: {requestReadTimeout: 10s, idleTimeout: 30s, shutdownGrace: 5s, maxBodyBytes: 1MiB}\n"
                + "providers:\n"
                + "  - name: mock\n"
                + "    kind: mock\n"
                + "    mock: {latency: 0ms, chunkDelay: " + MOCK.chunkDelay().toMillis() + "ms, chunks: " + MOCK.chunks()
                + ", chunkChars: " + MOCK.chunkChars() + ", embeddingDimensions: " + MOCK.embeddingDimensions() + "}\n"
                + "deployments:\n"
                + "  - {name: demo-mock, provider: mock, model: mock-1}\n"
                + "routes:\n"
                + "  - {model: demo, deployments: [demo-mock]}\n"
                + EndToEndSupport.keyYaml();
    }
}
