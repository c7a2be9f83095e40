package io.brokle.proxy.testing;

import io.brokle.config.GatewayConfig;
import io.brokle.config.SnapshotCodec;
import io.brokle.proxy.ProxyServer;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.snapshot.SnapshotHolder;
import java.time.Duration;
import java.util.Map;

/**
 * A real gateway on 127.0.0.1:0 for end-to-end tests, configured from a YAML string exactly as
 * the standalone proxy is. {@link #KEY} is a valid virtual key; put {@link #keysYaml} (or your
 * own entries from {@link #hash}) in the YAML's {@code keys:}.
 * <pre>
 * try (ScriptedUpstream up = ScriptedUpstream.start();
 *      TestGateway gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl()))) {
 *     ... call gw.baseUrl() + "/v1/chat/completions" with "Bearer " + TestGateway.KEY ...
 * }
 * </pre>
 */
public final class TestGateway implements AutoCloseable {
    public static final String PEPPER = "test-pepper-0123456789abcdef";
    public static final String KEY = "brk-test-key-for-the-default-tenant-000000001";
    /** A second key that may only use model {@code limited}. */
    public static final String LIMITED_KEY = "brk-test-key-limited-to-one-model-0000000002";
    private static final KeyHasher HASHER = new KeyHasher(PEPPER);

    private final ProxyServer server;
    private final SnapshotHolder holder;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;

    private TestGateway(ProxyServer server, SnapshotHolder holder, GatewayMetrics metrics, GatewayConfig config) {
        this.server = server;
        this.holder = holder;
        this.metrics = metrics;
        this.config = config;
    }

    /** Starts a gateway serving {@code yaml}; {@code server.port} is replaced by a free port. */
    public static TestGateway start(String yaml) {
        return start(yaml, Map.of());
    }

    public static TestGateway start(String yaml, Map<String, String> env) {
        GatewayConfig parsed = SnapshotCodec.parse(yaml, env::get);
        GatewayConfig config = new GatewayConfig(parsed.server().withPort(0), PEPPER, parsed.snapshot());
        SnapshotHolder holder = new SnapshotHolder(config.snapshot());
        GatewayMetrics metrics = new GatewayMetrics();
        try {
            return new TestGateway(ProxyServer.start(config, holder, metrics, new KeyHasher(PEPPER), 2), holder,
                    metrics, config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The keyed hash of {@code secret} under {@link #PEPPER}. */
    public static String hash(String secret) {
        return HASHER.hash(secret);
    }

    /** {@code keys:} entries for {@link #KEY} (every model) and {@link #LIMITED_KEY} (model {@code limited}). */
    public static String keysYaml() {
        return "keys:\n"
                + "  - {id: test, hash: " + hash(KEY) + ", tenant: acme/app/dev}\n"
                + "  - {id: limited, hash: " + hash(LIMITED_KEY) + ", tenant: acme/app/dev, models: [limited]}\n";
    }

    /**
     * A configuration with one OpenAI-compatible provider at {@code baseUrl} (short timeouts:
     * connect 1s, first byte 2s, idle 1s, total 10s), routes {@code gpt-test} (upstream model
     * {@code upstream-model}) and {@code limited}, and the test keys.
     */
    public static String openAiYaml(String baseUrl) {
        return "server: {requestReadTimeout: 2s, idleTimeout: 5s, shutdownGrace: 5s, maxBodyBytes: 1MiB}\n"
                + "providers:\n"
                + "  - name: upstream\n"
                + "    kind: openai\n"
                + "    baseUrl: " + baseUrl + "\n"
                + "    apiKey: sk-upstream-secret-for-tests\n"
                + "    timeouts: {connect: 1s, firstByte: 2s, idle: 1s, total: 10s}\n"
                + "deployments:\n"
                + "  - {name: main, provider: upstream, model: upstream-model}\n"
                + "  - {name: limited, provider: upstream, model: limited}\n"
                + "routes:\n"
                + "  - {model: gpt-test, deployments: [main]}\n"
                + "  - {model: limited, deployments: [limited]}\n"
                + keysYaml();
    }

    /** The gateway's base URL, e.g. {@code http://127.0.0.1:41234}; the OpenAI SDK wants {@code baseUrl() + "/v1"}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    public ProxyServer server() {
        return server;
    }

    public SnapshotHolder holder() {
        return holder;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public GatewayConfig config() {
        return config;
    }

    /** Stops with a short grace period. */
    @Override
    public void close() {
        server.stop(Duration.ofSeconds(2));
    }
}
