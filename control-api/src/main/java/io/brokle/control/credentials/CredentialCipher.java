package io.brokle.control.credentials;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts provider credentials at rest: AES-256-GCM with a random 96-bit nonce under a master
 * key from the environment. A sealed value is
 * {@code [format 1][key id, 4 bytes][nonce, 12 bytes][ciphertext + 128-bit tag]}; the key id
 * is the first 4 bytes of SHA-256 of the key, so master keys need no names. The header and a
 * caller's context (the provider's id) are authenticated data, so a sealed value moved to
 * another row, or altered in any bit, does not open.
 *
 * <p>Rotation: {@link #seal} uses the current (first) key; {@link #open} accepts any configured
 * key; {@link #needsResealing} tells which values a re-encrypt pass should rewrite.
 *
 * <p>Neither keys nor plaintexts appear in {@link #toString()} or any exception message.
 */
public final class CredentialCipher {
    /** One master key, base64 of 32 bytes. */
    public static final String MASTER_KEY_VARIABLE = "BROKLE_MASTER_KEY";
    /** Several master keys for rotation, comma-separated base64: the first encrypts, all decrypt. */
    public static final String MASTER_KEYS_VARIABLE = "BROKLE_MASTER_KEYS";

    private static final byte FORMAT = 1;
    private static final int KEY_ID_BYTES = 4;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;

    private final Map<String, SecretKey> keys;
    private final String currentId;
    private final SecureRandom random = new SecureRandom();

    private CredentialCipher(Map<String, SecretKey> keys, String currentId) {
        this.keys = keys;
        this.currentId = currentId;
    }

    /**
     * A cipher over raw 32-byte keys, the first being the current one.
     *
     * @throws IllegalArgumentException when there is no key, a key is not 32 bytes, or a key repeats
     */
    public static CredentialCipher of(List<byte[]> masterKeys) {
        if (masterKeys.isEmpty()) {
            throw new IllegalArgumentException("master keys: none (expected: at least one key of 32 bytes)");
        }
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (int i = 0; i < masterKeys.size(); i++) {
            byte[] k = masterKeys.get(i);
            if (k.length != 32) {
                throw new IllegalArgumentException("master keys[" + i + "]: " + k.length
                        + " bytes (expected: 32 bytes, base64-encoded, e.g. from `openssl rand -base64 32`)");
            }
            if (keys.putIfAbsent(keyId(k), new SecretKeySpec(k.clone(), "AES")) != null) {
                throw new IllegalArgumentException("master keys[" + i + "]: the same key as an earlier one");
            }
        }
        return new CredentialCipher(keys, keys.keySet().iterator().next());
    }

    /**
     * Reads {@value #MASTER_KEYS_VARIABLE} (comma-separated), else {@value #MASTER_KEY_VARIABLE}.
     *
     * @return null when neither is set
     * @throws IllegalArgumentException when a value is not base64 of 32 bytes (the message names
     *         the variable and the position, never the value)
     */
    public static CredentialCipher fromEnvironment(Function<String, String> env) {
        String many = env.apply(MASTER_KEYS_VARIABLE);
        String variable = many != null && !many.isBlank() ? MASTER_KEYS_VARIABLE : MASTER_KEY_VARIABLE;
        String value = variable.equals(MASTER_KEYS_VARIABLE) ? many : env.apply(MASTER_KEY_VARIABLE);
        if (value == null || value.isBlank()) {
            return null;
        }
        List<byte[]> keys = new ArrayList<>();
        String[] parts = value.split(",");
        for (int i = 0; i < parts.length; i++) {
            try {
                keys.add(Base64.getDecoder().decode(parts[i].trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(variable + "[" + i + "]: not base64 (expected: 32 random bytes, "
                        + "base64-encoded, e.g. from `openssl rand -base64 32`)");
            }
        }
        try {
            return of(keys);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(variable + ": " + e.getMessage());
        }
    }

    /** The id of the key that {@link #seal} uses, 8 hex digits (safe to log). */
    public String currentKeyId() {
        return currentId;
    }

    /** Encrypts {@code plaintext} under the current key, bound to {@code context} (e.g. the provider id). */
    public byte[] seal(String plaintext, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        header.put(FORMAT).put(HexFormat.of().parseHex(currentId)).put(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(header.array());
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(HEADER_BYTES + sealed.length).put(header.array()).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Decrypts what {@link #seal} made with any configured key.
     *
     * @throws CredentialException when the value is malformed, was sealed under a key that is not
     *         configured, was altered, or belongs to another context
     */
    public String open(byte[] sealed, String context) {
        if (sealed.length < HEADER_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT) {
            throw new CredentialException("sealed credential: unknown format (expected: format " + FORMAT + ")");
        }
        String id = keyIdOf(sealed);
        SecretKey key = keys.get(id);
        if (key == null) {
            throw new CredentialException("sealed credential: master key " + id + " is not configured (configured: "
                    + String.join(", ", keys.keySet()) + "); add it to " + MASTER_KEYS_VARIABLE);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key,
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1 + KEY_ID_BYTES, HEADER_BYTES)));
            cipher.updateAAD(sealed, 0, HEADER_BYTES);
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, HEADER_BYTES, sealed.length - HEADER_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new CredentialException("sealed credential: does not authenticate under master key " + id
                    + " (altered, or stored for another provider)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Whether {@code sealed} was made under another key than the current one. */
    public boolean needsResealing(byte[] sealed) {
        return sealed.length < HEADER_BYTES || !keyIdOf(sealed).equals(currentId);
    }

    private static String keyIdOf(byte[] sealed) {
        return HexFormat.of().formatHex(sealed, 1, 1 + KEY_ID_BYTES);
    }

    private static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, KEY_ID_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "CredentialCipher[AES-256-GCM, current key " + currentId + ", " + keys.size() + " key(s)]";
    }
}
