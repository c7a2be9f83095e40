package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.parse;
import static io.brokle.proxy.EndToEndSupport.post;
import static io.brokle.proxy.EndToEndSupport.streamedContent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.MockOptions;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP/2 over cleartext: by {@code Upgrade: h2c} (the JDK client) and by prior knowledge (OkHttp). */
class Http2CleartextTest {
    private static final MediaType JSON = MediaType.get("application/json");

    private ScriptedUpstream upstream;
    private TestGateway gw;
    private OkHttpClient okHttp;

    @AfterEach
    void stop() {
        if (okHttp != null) {
            okHttp.dispatcher().executorService().shutdownNow();
            okHttp.connectionPool().evictAll();
        }
        if (gw != null) {
            gw.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void upgradeFromHttp1ServesAChatCompletionOverHttp2() throws Exception {
        start(MockOptions.DEFAULTS);
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> first = post(client, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-test", "Hello!", false));
            HttpResponse<String> second = post(client, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-test", "Hello!", false));

            assertEquals(200, first.statusCode(), first.body());
            assertEquals(HttpClient.Version.HTTP_2, first.version(), "the h2c upgrade was accepted");
            assertEquals("chat.completion", parse(first.body()).path("object").asText());
            assertTrue(first.headers().firstValue("x-request-id").isPresent(), "every answer carries x-request-id");
            assertEquals(200, second.statusCode(), second.body());
            assertEquals(HttpClient.Version.HTTP_2, second.version(), "the next request stays on HTTP/2");
            assertEquals(2, upstream.requestCount());
        }
    }

    @Test
    void priorKnowledgeServesAStreamedChatCompletion() throws Exception {
        start(MockOptions.DEFAULTS);
        okHttp = priorKnowledgeClient(null);

        try (Response response = okHttp.newCall(streamedRequest()).execute()) {
            String body = response.body().string();

            assertEquals(200, response.code(), body);
            assertEquals(Protocol.H2_PRIOR_KNOWLEDGE, response.protocol());
            assertTrue(response.header("content-type", "").startsWith("text/event-stream"), response.headers().toString());
            assertTrue(body.endsWith("data: [DONE]\n\n"), body);
            assertEquals(MockOptions.DEFAULT_CHUNKS * MockOptions.DEFAULT_CHUNK_CHARS, streamedContent(body).length(), body);
        }
    }

    @Test
    void concurrentStreamsShareOneConnectionAndAllComplete() throws Exception {
        // 8 chunks 150 ms apart: each stream takes over a second, so streams run side by side
        // only if all requests reach the upstream before the first answer ends.
        start(new MockOptions(Duration.ZERO, Duration.ofMillis(150), 8, 8, 64));
        AtomicInteger connects = new AtomicInteger();
        Set<Connection> connections = ConcurrentHashMap.newKeySet();
        okHttp = priorKnowledgeClient(new EventListener() {
            @Override
            public void connectStart(Call call, java.net.InetSocketAddress address, java.net.Proxy proxy) {
                connects.incrementAndGet();
            }

            @Override
            public void connectionAcquired(Call call, Connection connection) {
                connections.add(connection);
            }
        });
        try (Response warmUp = okHttp.newCall(new Request.Builder().url(gw.baseUrl() + "/health").build()).execute()) {
            assertEquals(200, warmUp.code());
        }

        int streams = 6;
        ExecutorService callers = Executors.newFixedThreadPool(streams);
        try {
            List<Future<String>> bodies = new ArrayList<>();
            Set<Integer> startedUpstreamWhenAStreamEnded = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < streams; i++) {
                bodies.add(callers.submit(() -> {
                    try (Response response = okHttp.newCall(streamedRequest()).execute()) {
                        assertEquals(200, response.code());
                        assertEquals(Protocol.H2_PRIOR_KNOWLEDGE, response.protocol());
                        String body = response.body().string();
                        startedUpstreamWhenAStreamEnded.add(upstream.requestCount());
                        return body;
                    }
                }));
            }
            for (Future<String> body : bodies) {
                String text = body.get(10, TimeUnit.SECONDS);
                assertTrue(text.endsWith("data: [DONE]\n\n"), text);
                assertEquals(64, streamedContent(text).length(), text);
                assertFalse(text.contains("\"error\""), text);
            }

            assertEquals(1, connects.get(), "one TCP connection for everything");
            assertEquals(1, connections.size(), "every call used the same HTTP/2 connection");
            assertEquals(Set.of(streams), startedUpstreamWhenAStreamEnded,
                    "every stream had reached the upstream before the first one ended: they ran side by side");
            assertEquals(streams, upstream.requestCount());
        } finally {
            callers.shutdownNow();
        }
    }

    private void start(MockOptions options) {
        upstream = ScriptedUpstream.start(options);
        gw = TestGateway.start(TestGateway.openAiYaml(upstream.baseUrl()));
    }

    private Request streamedRequest() {
        return new Request.Builder()
                .url(gw.baseUrl() + CHAT_PATH)
                .header("Authorization", "Bearer " + TestGateway.KEY)
                .post(RequestBody.create(chat("gpt-test", "Hello!", true), JSON))
                .build();
    }

    private static OkHttpClient priorKnowledgeClient(EventListener listener) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(32);
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool())
                .readTimeout(Duration.ofSeconds(10))
                .callTimeout(Duration.ofSeconds(15));
        if (listener != null) {
            b.eventListener(listener);
        }
        return b.build();
    }
}
