package io.brokle.proxy.http;

import io.netty.util.concurrent.FastThreadLocal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a virtual key's secret into the keyed hash that snapshots store: lower-case hex
 * HMAC-SHA-256 under the gateway's pepper. The pepper never leaves this object; neither
 * {@link #toString()} nor any message shows it.
 */
public final class KeyHasher {
    /** Every generated key starts with this, so a leaked key is easy to recognise and scan for. */
    public static final String KEY_PREFIX = "brk-";

    private final SecretKeySpec pepper;
    private final FastThreadLocal<Mac> macs = new FastThreadLocal<>() {
        @Override
        protected Mac initialValue() throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(pepper);
            return mac;
        }
    };

    public KeyHasher(String pepper) {
        if (pepper == null || pepper.length() < 16) {
            throw new IllegalArgumentException("key pepper: too short (expected: at least 16 characters)");
        }
        this.pepper = new SecretKeySpec(pepper.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String hash(String secret) {
        return HexFormat.of().formatHex(macs.get().doFinal(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** A new random key: the prefix and 256 random bits, URL-safe. */
    public static String newKey(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public String toString() {
        return "KeyHasher[HmacSHA256, pepper=(redacted)]";
    }
}
