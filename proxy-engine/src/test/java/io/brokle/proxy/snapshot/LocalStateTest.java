package io.brokle.proxy.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.VirtualKey;
import io.brokle.proxy.http.KeyHasher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStateTest {
    @TempDir
    Path dir;

    @Test
    void thePepperFileIsCreatedOwnerOnlyAndReusedOnTheNextCall() throws IOException {
        Path data = dir.resolve("data");
        LocalState state = new LocalState(data);

        String pepper = state.pepper();

        Path file = data.resolve(LocalState.PEPPER_FILE);
        assertEquals("rw-------", permissions(file));
        assertEquals(pepper, state.pepper());
        assertEquals(pepper, new LocalState(data).pepper(), "a restart reads the same pepper");
        assertEquals(pepper + "\n", Files.readString(file, StandardCharsets.UTF_8));
        new KeyHasher(pepper); // long enough to key hashes
        assertTrue(pepper.matches("[A-Za-z0-9_-]{43}"), pepper);
    }

    @Test
    void theDevKeyFileIsCreatedOwnerOnlyAndReusedOnTheNextCall() throws IOException {
        LocalState state = new LocalState(dir);
        assertEquals(Optional.empty(), state.devKey());

        String key = state.createDevKey();

        assertEquals("rw-------", permissions(state.devKeyFile()));
        assertTrue(key.startsWith(KeyHasher.KEY_PREFIX), key);
        assertEquals(Optional.of(key), state.devKey());
        assertEquals(Optional.of(key), new LocalState(dir).devKey(), "a restart finds the same key");
        assertEquals(key, state.createDevKey(), "a second create keeps the existing key");
        assertEquals(key + "\n", Files.readString(state.devKeyFile(), StandardCharsets.UTF_8));
    }

    @Test
    void noFileIsReadableByGroupOrOthers() throws IOException {
        LocalState state = new LocalState(dir.resolve("nested/data"));
        state.pepper();
        state.createDevKey();

        try (var files = Files.list(dir.resolve("nested/data"))) {
            for (Path f : files.toList()) {
                String perms = permissions(f);
                assertFalse(perms.substring(3).contains("r") || perms.substring(3).contains("w"), f + ": " + perms);
            }
        }
    }

    @Test
    void aPepperWrittenByHandIsReadTrimmed() throws IOException {
        Files.writeString(dir.resolve(LocalState.PEPPER_FILE), "  a-pepper-from-the-operator-0001 \n");

        assertEquals("a-pepper-from-the-operator-0001", new LocalState(dir).pepper());
    }

    @Test
    void theDevKeyBecomesAnUnrestrictedKeyOfTheDevTenant() {
        LocalState state = new LocalState(dir);
        KeyHasher hasher = new KeyHasher("local-state-test-pepper");
        assertEquals(List.of(), state.localKeys(hasher));
        String secret = state.createDevKey();

        List<VirtualKey> keys = state.localKeys(hasher);

        assertEquals(1, keys.size());
        VirtualKey dev = keys.get(0);
        assertEquals(LocalState.DEV_KEY_ID, dev.id());
        assertEquals(hasher.hash(secret), dev.hash());
        assertEquals(LocalState.DEV_TENANT, dev.tenant());
        assertTrue(dev.allows("any-model"));
        assertFalse(dev.revoked());
        assertEquals(null, dev.expiresAt());
    }

    private static String permissions(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
