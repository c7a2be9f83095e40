package io.brokle.control.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.testing.ServiceFixture;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialCipherTest {
    private static final String SECRET = "sk-proj-abcdefghijklmnop0123456789";
    private final byte[] oldKey = ServiceFixture.randomKey();
    private final byte[] newKey = ServiceFixture.randomKey();

    @Test
    void sealedCredentialsOpenAndNeverContainThePlaintext() {
        CredentialCipher cipher = CredentialCipher.of(List.of(oldKey));

        byte[] a = cipher.seal(SECRET, "provider-1");
        byte[] b = cipher.seal(SECRET, "provider-1");

        assertEquals(SECRET, cipher.open(a, "provider-1"));
        assertNotEquals(Base64.getEncoder().encodeToString(a), Base64.getEncoder().encodeToString(b), "a fresh nonce each time");
        assertFalse(new String(a, StandardCharsets.ISO_8859_1).contains("abcdefgh"));
        assertEquals(1 + 4 + 12 + SECRET.length() + 16, a.length);
    }

    @Test
    void anyAlteredByteOrAnotherContextIsDetected() {
        CredentialCipher cipher = CredentialCipher.of(List.of(oldKey));
        byte[] sealed = cipher.seal(SECRET, "provider-1");

        for (int i = 5; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            CredentialException e = assertThrows(CredentialException.class, () -> cipher.open(tampered, "provider-1"));
            assertFalse(e.getMessage().contains(SECRET));
        }
        CredentialException moved = assertThrows(CredentialException.class, () -> cipher.open(sealed, "provider-2"));
        assertTrue(moved.getMessage().contains("does not authenticate"), moved.getMessage());
        byte[] otherKeyId = sealed.clone();
        otherKeyId[1] ^= 0x01;
        assertTrue(assertThrows(CredentialException.class, () -> cipher.open(otherKeyId, "provider-1"))
                .getMessage().contains("is not configured"));
    }

    @Test
    void rotationDecryptsWithAnyKeyAndEncryptsWithTheFirst() {
        CredentialCipher before = CredentialCipher.of(List.of(oldKey));
        byte[] sealedOld = before.seal(SECRET, "p");
        CredentialCipher during = CredentialCipher.of(List.of(newKey, oldKey));
        CredentialCipher after = CredentialCipher.of(List.of(newKey));

        assertEquals(SECRET, during.open(sealedOld, "p"));
        assertTrue(during.needsResealing(sealedOld));
        byte[] resealed = during.seal(during.open(sealedOld, "p"), "p");
        assertFalse(during.needsResealing(resealed));
        assertEquals(SECRET, after.open(resealed, "p"));
        CredentialException gone = assertThrows(CredentialException.class, () -> after.open(sealedOld, "p"));
        assertTrue(gone.getMessage().contains("master key " + before.currentKeyId() + " is not configured"), gone.getMessage());
    }

    @Test
    void masterKeysComeFromTheEnvironmentAndBadOnesAreNamedWithoutTheirValue() {
        String oldB64 = Base64.getEncoder().encodeToString(oldKey);
        String newB64 = Base64.getEncoder().encodeToString(newKey);

        assertNull(CredentialCipher.fromEnvironment(Map.<String, String>of()::get));
        CredentialCipher one = CredentialCipher.fromEnvironment(Map.of("BROKLE_MASTER_KEY", oldB64)::get);
        CredentialCipher two = CredentialCipher.fromEnvironment(Map.of("BROKLE_MASTER_KEYS", newB64 + ", " + oldB64,
                "BROKLE_MASTER_KEY", oldB64)::get);
        assertEquals(one.currentKeyId(), CredentialCipher.of(List.of(oldKey)).currentKeyId());
        assertEquals(SECRET, two.open(one.seal(SECRET, "p"), "p"));
        assertNotEquals(one.currentKeyId(), two.currentKeyId());

        IllegalArgumentException shortKey = assertThrows(IllegalArgumentException.class, () ->
                CredentialCipher.fromEnvironment(Map.of("BROKLE_MASTER_KEY", "c2hvcnQta2V5")::get));
        assertEquals("BROKLE_MASTER_KEY: master keys[0]: 9 bytes (expected: 32 bytes, base64-encoded, e.g. from "
                + "`openssl rand -base64 32`)", shortKey.getMessage());
        IllegalArgumentException notBase64 = assertThrows(IllegalArgumentException.class, () ->
                CredentialCipher.fromEnvironment(Map.of("BROKLE_MASTER_KEYS", newB64 + ",not*base64")::get));
        assertTrue(notBase64.getMessage().startsWith("BROKLE_MASTER_KEYS[1]: not base64"), notBase64.getMessage());
        assertFalse(notBase64.getMessage().contains("not*base64"));
        assertFalse(two.toString().contains(newB64));
    }
}
