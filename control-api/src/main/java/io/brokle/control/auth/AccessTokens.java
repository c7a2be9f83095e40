package io.brokle.control.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived access tokens: {@code v1.<claims>.<mac>}, where the claims (user id, session id,
 * expiry in epoch seconds; 40 bytes, base64url) are signed with HMAC-SHA-256 under the server's
 * token secret. A token proves who and which session until it expires; whether the session is
 * still live is checked separately on every request ({@link TokenAuthenticator}), so logout
 * takes effect at once.
 */
public final class AccessTokens {
    /** What a valid token says. */
    public record Claims(UUID userId, UUID sessionId, Instant expiresAt) {
    }

    private static final String PREFIX = "v1.";
    private static final int CLAIMS_BYTES = 16 + 16 + 8;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Duration ttl;
    private final Clock clock;

    /** @param secret at least 32 bytes; never logged */
    public AccessTokens(byte[] secret, Duration ttl, Clock clock) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the token secret needs at least 32 bytes, got " + secret.length);
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.ttl = ttl;
        this.clock = clock;
    }

    public Duration ttl() {
        return ttl;
    }

    /** A new token for the session, valid for {@link #ttl} from now. */
    public String issue(UUID userId, UUID sessionId) {
        Instant expiresAt = clock.instant().plus(ttl);
        ByteBuffer claims = ByteBuffer.allocate(CLAIMS_BYTES)
                .putLong(userId.getMostSignificantBits()).putLong(userId.getLeastSignificantBits())
                .putLong(sessionId.getMostSignificantBits()).putLong(sessionId.getLeastSignificantBits())
                .putLong(expiresAt.getEpochSecond());
        String signed = PREFIX + B64.encodeToString(claims.array());
        return signed + "." + B64.encodeToString(mac(signed));
    }

    /** The claims of a well-signed, unexpired token; empty for anything else. */
    public Optional<Claims> verify(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        int dot = token.lastIndexOf('.');
        if (dot <= PREFIX.length()) {
            return Optional.empty();
        }
        String signed = token.substring(0, dot);
        byte[] claims;
        byte[] mac;
        try {
            claims = B64D.decode(signed.substring(PREFIX.length()));
            mac = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        // Base64 ignores a last character's unused bits: insist on the one canonical spelling.
        if (!B64.encodeToString(mac).equals(token.substring(dot + 1))) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(mac(signed), mac) || claims.length != CLAIMS_BYTES) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(claims);
        UUID userId = new UUID(b.getLong(), b.getLong());
        UUID sessionId = new UUID(b.getLong(), b.getLong());
        Instant expiresAt = Instant.ofEpochSecond(b.getLong());
        if (!clock.instant().isBefore(expiresAt)) {
            return Optional.empty();
        }
        return Optional.of(new Claims(userId, sessionId, expiresAt));
    }

    private byte[] mac(String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "AccessTokens[ttl=" + ttl + "]";
    }
}
