package io.brokle.proxy.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.GatewayConfig;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.SnapshotCodec;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.metrics.GatewayMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSnapshotSourceTest {
    private static final String FAILURES = "brokle_config_reload_failures_total";
    private static final KeyHasher HASHER = new KeyHasher("file-snapshot-test-pepper");
    private static final String V1 = """
            providers:
              - {name: mock, kind: mock}
            deployments:
              - {name: d-alpha, provider: mock, model: alpha-upstream}
            routes:
              - {model: alpha, deployments: [d-alpha]}
            """;
    private static final String V2 = V1 + """
              - {model: beta, deployments: [d-alpha]}
            """;

    @TempDir
    Path dir;

    private final GatewayMetrics metrics = new GatewayMetrics();
    private Path file;
    private SnapshotHolder holder;
    private LocalState local;
    private FileSnapshotSource source;

    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
    }

    @Test
    void aValidChangeSwapsToTheNextVersionWithTheNewRoutes() throws IOException {
        start(V1);

        write(V2);
        source.check();

        GatewaySnapshot now = holder.current();
        assertEquals(2, now.version());
        assertEquals(Set.of("alpha", "beta"), now.routes().keySet());
        assertEquals(0, metrics.counter(FAILURES));
        assertTrue(metrics.render().contains("\nbrokle_config_version 2\n"), metrics.render());
    }

    @Test
    void anInvalidYamlIsRejectedAndTheOldSnapshotKeepsServing() throws IOException {
        start(V1);
        GatewaySnapshot before = holder.current();

        write("providers: [\n  {name: mock, kind: mock\n");
        source.check();

        assertEquals(before, holder.current());
        assertEquals(1, holder.current().version());
        assertEquals(1, metrics.counter(FAILURES));
    }

    @Test
    void aWellFormedButInvalidConfigurationIsRejected() throws IOException {
        start(V1);

        write(V1 + "  - {model: gamma, deployments: [no-such-deployment]}\n");
        source.check();

        assertEquals(1, holder.current().version());
        assertEquals(Set.of("alpha"), holder.current().routes().keySet());
        assertEquals(1, metrics.counter(FAILURES));
    }

    @Test
    void aRejectedVersionIsCountedOnceAndAFixedOneIsApplied() throws IOException {
        start(V1);

        write("routes: 7\n");
        source.check();
        source.check();
        write(V2);
        source.check();

        assertEquals(1, metrics.counter(FAILURES), "the same broken text is not re-parsed");
        assertEquals(2, holder.current().version());
        assertEquals(Set.of("alpha", "beta"), holder.current().routes().keySet());
    }

    @Test
    void identicalContentIsNotReapplied() throws IOException {
        start(V1);

        source.check();
        write(V1);
        source.check();
        assertEquals(1, holder.current().version(), "the file still holds what was loaded");

        write(V2);
        source.check();
        source.check();
        write(V2);
        source.check();
        assertEquals(2, holder.current().version(), "each change is applied once");
    }

    @Test
    void aMissingFileKeepsTheCurrentSnapshotAndItsReturnIsApplied() throws IOException {
        start(V1);

        Files.delete(file);
        source.check();
        assertEquals(1, holder.current().version());
        assertEquals(0, metrics.counter(FAILURES), "an unreadable file is not a rejected configuration");

        write(V1);
        source.check();
        assertEquals(2, holder.current().version(), "the file came back; it is applied again");
    }

    @Test
    void environmentVariablesAreSubstitutedOnReload() throws IOException {
        start(V1);

        write(V1.replace("model: alpha-upstream", "model: \"${ALPHA_MODEL}\""));
        source.check();

        assertEquals("from-env", holder.current().deployments().get("d-alpha").model());
    }

    @Test
    void theLocalDevKeyIsAddedToEveryAppliedSnapshot() throws IOException {
        start(V1);
        String devKey = local.createDevKey();

        write(V2);
        source.check();

        var key = holder.current().keyByHash(HASHER.hash(devKey));
        assertTrue(key.isPresent());
        assertEquals(LocalState.DEV_KEY_ID, key.get().id());
    }

    private void start(String yaml) throws IOException {
        file = dir.resolve("gateway.yml");
        write(yaml);
        GatewayConfig config = SnapshotCodec.parse(yaml, Map.of("ALPHA_MODEL", "from-env")::get);
        holder = new SnapshotHolder(config.snapshot());
        local = new LocalState(dir.resolve("data"));
        source = new FileSnapshotSource(file, yaml, config, Map.of("ALPHA_MODEL", "from-env")::get, holder, metrics,
                local, HASHER);
        assertEquals(1, holder.current().version());
    }

    private void write(String yaml) throws IOException {
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }
}
