package io.brokle.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyHasherTest {
    private static final String PEPPER = "pepper-0123456789-abcdef";

    @Test
    void hashIsLowerCaseHexHmacSha256UnderThePepper() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PEPPER.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("brk-secret".getBytes(StandardCharsets.UTF_8)));

        String hash = new KeyHasher(PEPPER).hash("brk-secret");

        assertEquals(expected, hash);
        assertTrue(hash.matches("[0-9a-f]{64}"), hash);
    }

    @Test
    void hashIsStableAcrossCallsAndInstances() {
        KeyHasher a = new KeyHasher(PEPPER);
        KeyHasher b = new KeyHasher(PEPPER);

        assertEquals(a.hash("brk-1"), a.hash("brk-1"));
        assertEquals(a.hash("brk-1"), b.hash("brk-1"));
        assertNotEquals(a.hash("brk-1"), a.hash("brk-2"));
        assertEquals(a.hash("ключ-😀"), b.hash("ключ-😀"));
    }

    @Test
    void aDifferentPepperGivesADifferentHash() {
        assertNotEquals(new KeyHasher(PEPPER).hash("brk-1"), new KeyHasher(PEPPER + "x").hash("brk-1"));
    }

    @Test
    void aPepperShorterThanSixteenCharactersIsRejectedWithoutShowingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new KeyHasher("fifteen-chars-p"));
        assertThrows(IllegalArgumentException.class, () -> new KeyHasher(null));
        assertThrows(IllegalArgumentException.class, () -> new KeyHasher(""));

        assertEquals("key pepper: too short (expected: at least 16 characters)", e.getMessage());
        assertFalse(e.getMessage().contains("fifteen-chars-p"));
        new KeyHasher("exactly-16-chars");
    }

    @Test
    void newKeyIsThePrefixAnd256RandomBitsUrlSafe() {
        SecureRandom fixed = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                Arrays.fill(bytes, (byte) 0xFB);
            }
        };

        String key = KeyHasher.newKey(fixed);

        assertEquals("brk-" + "-_v7".repeat(10) + "-_s", key, "base64url of 32 bytes 0xFB, no padding");
        assertEquals(KeyHasher.KEY_PREFIX.length() + 43, key.length());
    }

    @Test
    void newKeysAreDistinctAndUseOnlyTheUrlSafeAlphabet() {
        SecureRandom random = new SecureRandom();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String key = KeyHasher.newKey(random);
            assertTrue(key.matches("brk-[A-Za-z0-9_-]{43}"), key);
            keys.add(key);
        }
        assertEquals(200, keys.size());
    }

    @Test
    void toStringDoesNotContainThePepper() {
        String text = new KeyHasher(PEPPER).toString();

        assertFalse(text.contains(PEPPER));
        assertFalse(text.contains("0123456789"));
        assertTrue(text.contains("redacted"), text);
    }
}
