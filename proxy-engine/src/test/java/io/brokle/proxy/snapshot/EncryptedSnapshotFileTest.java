package io.brokle.proxy.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.ConfigException;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.SnapshotCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptedSnapshotFileTest {
    static final String CREDENTIAL = "sk-upstream-credential-0123456789";
    static final String YAML = """
            providers:
              - {name: up, kind: openai, baseUrl: "http://127.0.0.1:9", apiKey: %s}
            deployments:
              - {name: d, provider: up, model: m}
            routes:
              - {model: gpt, deployments: [d]}
            """.formatted(CREDENTIAL);

    static GatewaySnapshot snapshot(long version) {
        return SnapshotCodec.parse(YAML, Map.<String, String>of()::get).snapshot().withVersion(version);
    }

    @TempDir
    Path dir;

    private final SecretKey key = EncryptedSnapshotFile.key(null, FakeControlPlane.TOKEN);

    @Test
    void theLastGoodSnapshotRoundTripsEncryptedAndOwnerOnly() throws IOException {
        EncryptedSnapshotFile file = new EncryptedSnapshotFile(EncryptedSnapshotFile.fileFor(dir, "env-1"), "env-1", key);

        assertEquals(Optional.empty(), file.read());
        file.write(snapshot(7));

        assertEquals(Optional.of(snapshot(7)), file.read());
        byte[] raw = Files.readAllBytes(file.path());
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("upstream-credential"));
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("\"routes\""));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));
        file.write(snapshot(8));
        assertEquals(8, file.read().orElseThrow().version());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void anAlteredFileAnotherEnvironmentsFileOrAnotherKeyIsRefused() throws IOException {
        Path path = EncryptedSnapshotFile.fileFor(dir, "env-1");
        new EncryptedSnapshotFile(path, "env-1", key).write(snapshot(3));

        ConfigException otherEnv = assertThrows(ConfigException.class, () -> new EncryptedSnapshotFile(path, "env-2", key).read());
        assertTrue(otherEnv.getMessage().contains("does not authenticate"), otherEnv.getMessage());
        SecretKey otherKey = EncryptedSnapshotFile.key(null, "another-node-token-000000");
        assertThrows(ConfigException.class, () -> new EncryptedSnapshotFile(path, "env-1", otherKey).read());
        byte[] raw = Files.readAllBytes(path);
        raw[raw.length - 20] ^= 0x01;
        Files.write(path, raw);
        assertThrows(ConfigException.class, () -> new EncryptedSnapshotFile(path, "env-1", key).read());
        Files.writeString(path, "providers: []");
        ConfigException notOurs = assertThrows(ConfigException.class, () -> new EncryptedSnapshotFile(path, "env-1", key).read());
        assertTrue(notOurs.getMessage().contains("not a Brokle snapshot file"), notOurs.getMessage());
    }

    @Test
    void aConfiguredKeyMustBe32BytesOfBase64() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EncryptedSnapshotFile.key("c2hvcnQ=", FakeControlPlane.TOKEN));
        assertEquals("BROKLE_SNAPSHOT_KEY: 5 bytes (expected: 32, base64)", e.getMessage());
        assertEquals(32, EncryptedSnapshotFile.key("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", null).getEncoded().length);
    }
}
