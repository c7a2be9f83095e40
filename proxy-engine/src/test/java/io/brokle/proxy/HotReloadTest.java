package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.UPSTREAM_SECRET;
import static io.brokle.proxy.EndToEndSupport.WAIT;
import static io.brokle.proxy.EndToEndSupport.assertOpenAiError;
import static io.brokle.proxy.EndToEndSupport.await;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.get;
import static io.brokle.proxy.EndToEndSupport.metric;
import static io.brokle.proxy.EndToEndSupport.modelIds;
import static io.brokle.proxy.EndToEndSupport.parse;
import static io.brokle.proxy.EndToEndSupport.post;
import static io.brokle.proxy.EndToEndSupport.scrapeMetrics;
import static io.brokle.proxy.EndToEndSupport.sseData;
import static io.brokle.proxy.EndToEndSupport.streamedContent;
import static io.brokle.proxy.RawHttpSupport.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.GatewayConfig;
import io.brokle.config.MockOptions;
import io.brokle.config.SnapshotCodec;
import io.brokle.proxy.RawHttpSupport.Head;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.snapshot.FileSnapshotSource;
import io.brokle.proxy.snapshot.LocalState;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload end to end: a {@link FileSnapshotSource} over a YAML file feeds a running gateway,
 * wired as {@code ProxyMain} wires it, and clients see the change on their next request.
 */
class HotReloadTest {
    private static final Function<String, String> ENV = Map.<String, String>of()::get;

    @TempDir
    Path dir;

    private ScriptedUpstream upstream;
    private TestGateway gw;
    private FileSnapshotSource source;
    private Path file;
    private final HttpClient http = EndToEndSupport.httpClient();

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        http.close();
        if (gw != null) {
            gw.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void anAddedRouteBecomesServableAndListed() throws Exception {
        start(MockOptions.DEFAULTS, config(UPSTREAM_SECRET, true, true, ""));
        assertEquals(404, chatStatus("gpt-new", TestGateway.KEY), "not configured yet");
        long before = version();

        rewrite(config(UPSTREAM_SECRET, true, true, "  - {model: gpt-new, deployments: [second]}\n"));
        source.check();

        assertEquals(before + 1, version(), "the change is the next configuration version");
        HttpResponse<String> answer = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-new", "Hello!", false));
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("second-upstream-model", lastUpstreamRequest().bodyJson().path("model").asText(),
                "the new route's deployment model went upstream");
        assertTrue(models(TestGateway.KEY).contains("gpt-new"), "listed in /v1/models");
        assertEquals(before + 1, parse(health().body()).path("configVersion").asLong(), "/health shows the version");
    }

    @Test
    void aRemovedKeyGets401() throws Exception {
        start(MockOptions.DEFAULTS, config(UPSTREAM_SECRET, true, true, ""));
        assertEquals(200, chatStatus("gpt-test", TestGateway.KEY));

        rewrite(config(UPSTREAM_SECRET, false, true, ""));
        source.check();

        HttpResponse<String> refused = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-test", "Hello!", false));
        assertEquals(401, refused.statusCode());
        assertOpenAiError(refused.body(), "invalid_api_key");
        assertEquals(200, chatStatus("limited", TestGateway.LIMITED_KEY), "the key that stayed still works");
    }

    @Test
    void anInvalidChangeKeepsTheOldVersionServingAndIsCounted() throws Exception {
        start(MockOptions.DEFAULTS, config(UPSTREAM_SECRET, true, true, ""));
        long before = version();
        double failuresBefore = metric(scrapeMetrics(http, gw), "brokle_config_reload_failures_total");

        rewrite(config(UPSTREAM_SECRET, true, true, "  - {model: gpt-broken, deployments: [no-such-deployment]}\n"));
        source.check();

        assertEquals(200, chatStatus("gpt-test", TestGateway.KEY), "the old version still serves");
        assertEquals(404, chatStatus("gpt-broken", TestGateway.KEY), "nothing of the invalid file was applied");
        assertEquals(before, parse(health().body()).path("configVersion").asLong(), "/health: version unchanged");
        String metrics = scrapeMetrics(http, gw);
        assertEquals(failuresBefore + 1, metric(metrics, "brokle_config_reload_failures_total"), metrics);
        assertEquals(before, (long) metric(metrics, "brokle_config_version"), metrics);

        rewrite(config(UPSTREAM_SECRET, true, true, "  - {model: gpt-broken, deployments: [second]}\n"));
        source.check();

        assertEquals(before + 1, version(), "a corrected file is applied");
        assertEquals(200, chatStatus("gpt-broken", TestGateway.KEY));
    }

    @Test
    void aStreamInFlightFinishesOnItsSnapshotWhileNewRequestsSeeTheRouteGone() throws Exception {
        // 12 chunks 100 ms apart: the stream lasts over a second, time enough to reload in the middle.
        start(new MockOptions(Duration.ZERO, Duration.ofMillis(100), 12, 8, 64), config(UPSTREAM_SECRET, true, true,
                "  - {model: gpt-doomed, deployments: [second]}\n"));
        try (RawHttpSupport stream = RawHttpSupport.connect(gw.port())) {
            stream.write(RawHttpSupport.post(CHAT_PATH, bearer(TestGateway.KEY), chat("gpt-doomed", "Hello!", true)));
            Head head = stream.readHead();
            assertEquals(200, head.status());
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            received.writeBytes(stream.readChunk());
            long versionBefore = version();

            rewrite(config(UPSTREAM_SECRET, true, true, ""));
            source.check();

            assertEquals(versionBefore + 1, version());
            assertEquals(1, gw.metrics().activeRequests(), "the reload happened while the stream was in flight");
            HttpResponse<String> gone = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-doomed", "Hello!", true));
            assertEquals(404, gone.statusCode(), "a new request sees the route removed");
            assertOpenAiError(gone.body(), "model_not_found");
            for (byte[] chunk = stream.readChunk(); chunk != null; chunk = stream.readChunk()) {
                received.writeBytes(chunk);
            }
            String events = received.toString(StandardCharsets.UTF_8);
            assertTrue(events.endsWith("data: [DONE]\n\n"), "the old stream ended normally:\n" + events);
            assertEquals(12, streamedContent(events).length() / 8,
                    "every content chunk arrived:\n" + events);
            assertFalse(events.contains("\"error\""), events);
            assertTrue(sseData(events).size() >= 14, "role, 12 content chunks, finish, [DONE]:\n" + events);
        }
    }

    @Test
    void aRotatedProviderKeyIsSentOnTheNextRequest() throws Exception {
        start(MockOptions.DEFAULTS, config(UPSTREAM_SECRET, true, true, ""));
        assertEquals(200, chatStatus("gpt-test", TestGateway.KEY));
        assertEquals("Bearer " + UPSTREAM_SECRET, lastUpstreamRequest().header("Authorization"));

        rewrite(config("sk-rotated-upstream-secret", true, true, ""));
        source.check();

        assertEquals(200, chatStatus("gpt-test", TestGateway.KEY));
        RecordedRequest after = lastUpstreamRequest();
        assertEquals("Bearer sk-rotated-upstream-secret", after.header("Authorization"));
        assertEquals(1, after.headerValues("Authorization").size(), "one credential only");
    }

    @Test
    void thePollingWatcherPicksUpAChangeByItself() throws Exception {
        start(MockOptions.DEFAULTS, config(UPSTREAM_SECRET, true, true, ""));
        long before = version();
        source.start(50);

        rewrite(config(UPSTREAM_SECRET, true, true, "  - {model: gpt-polled, deployments: [second]}\n"));

        assertTrue(await(() -> version() > before, WAIT), "timed out waiting for the watcher to apply the changed file");
        assertEquals(before + 1, version(), "one change, one version");
        assertEquals(200, chatStatus("gpt-polled", TestGateway.KEY));
        assertTrue(models(TestGateway.KEY).contains("gpt-polled"));
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Starts the upstream and a gateway serving {@code yaml}, writes it to a file and builds the
     * file source as {@code ProxyMain.run} does (started config, env lookup, holder, metrics,
     * local state, hasher), without starting its timer.
     */
    private void start(MockOptions options, String yaml) throws IOException {
        upstream = ScriptedUpstream.start(options);
        String text = yaml.replace("$UPSTREAM", upstream.baseUrl());
        file = dir.resolve("brokle.yml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        gw = TestGateway.start(text, Map.of());
        GatewayConfig config = SnapshotCodec.parse(text, ENV);
        source = new FileSnapshotSource(file, text, config, ENV, gw.holder(), gw.metrics(),
                new LocalState(dir.resolve("data")), new KeyHasher(TestGateway.PEPPER));
    }

    /** Replaces the file atomically, as editors and config management do, so a poll never sees half a file. */
    private void rewrite(String yaml) throws IOException {
        Path next = dir.resolve("brokle.yml.next");
        Files.writeString(next, yaml.replace("$UPSTREAM", upstream.baseUrl()), StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * One provider at the upstream, deployments {@code main} and {@code second}, routes
     * {@code gpt-test} and {@code limited} plus {@code extraRoutes}; the test keys as chosen.
     */
    private static String config(String upstreamKey, boolean withKey, boolean withLimitedKey, String extraRoutes) {
        return "server: {requestReadTimeout: 2s, idleTimeout: 5s, shutdownGrace: 5s, maxBodyBytes: 1MiB}\n"
                + "providers:\n"
                + "  - name: upstream\n"
                + "    kind: openai\n"
                + "    baseUrl: $UPSTREAM\n"
                + "    apiKey: " + upstreamKey + "\n"
                + "    timeouts: {connect: 1s, firstByte: 2s, idle: 1s, total: 10s}\n"
                + "deployments:\n"
                + "  - {name: main, provider: upstream, model: upstream-model}\n"
                + "  - {name: second, provider: upstream, model: second-upstream-model}\n"
                + "  - {name: limited, provider: upstream, model: limited}\n"
                + "routes:\n"
                + "  - {model: gpt-test, deployments: [main]}\n"
                + "  - {model: limited, deployments: [limited]}\n"
                + extraRoutes
                + "keys:\n"
                + (withKey ? "  - {id: test, hash: " + TestGateway.hash(TestGateway.KEY) + ", tenant: acme/app/dev}\n" : "")
                + (withLimitedKey ? "  - {id: limited, hash: " + TestGateway.hash(TestGateway.LIMITED_KEY)
                        + ", tenant: acme/app/dev, models: [limited]}\n" : "");
    }

    private long version() {
        return gw.holder().current().version();
    }

    private int chatStatus(String model, String key) {
        return post(http, gw, CHAT_PATH, key, chat(model, "Hello!", false)).statusCode();
    }

    private java.util.List<String> models(String key) {
        HttpResponse<String> r = get(http, gw, "/v1/models", key);
        assertEquals(200, r.statusCode(), r.body());
        return modelIds(r.body());
    }

    private HttpResponse<String> health() {
        return get(http, gw, "/health", null);
    }

    private RecordedRequest lastUpstreamRequest() {
        var all = upstream.requests();
        assertFalse(all.isEmpty(), "the upstream received a request");
        RecordedRequest last = all.get(all.size() - 1);
        assertNotNull(last);
        return last;
    }
}
