package io.brokle.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AccessTokensTest {
    private static final byte[] SECRET = "a token secret of at least 32 bytes".getBytes(StandardCharsets.UTF_8);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final AccessTokens tokens = new AccessTokens(SECRET, Duration.ofMinutes(15), clock);

    @Test
    void aTokenCarriesItsUserAndSessionUntilItExpires() {
        UUID user = UUID.randomUUID();
        UUID session = UUID.randomUUID();
        String token = tokens.issue(user, session);

        AccessTokens.Claims claims = tokens.verify(token).orElseThrow();
        assertEquals(user, claims.userId());
        assertEquals(session, claims.sessionId());
        assertTrue(token.startsWith("v1."), token);

        clock.advance(Duration.ofMinutes(15));
        assertEquals(Optional.empty(), tokens.verify(token));
    }

    @Test
    void tamperedOrForeignTokensAreRefused() {
        String token = tokens.issue(UUID.randomUUID(), UUID.randomUUID());
        AccessTokens other = new AccessTokens("another secret, also 32 bytes long".getBytes(StandardCharsets.UTF_8),
                Duration.ofMinutes(15), clock);
        int dot = token.lastIndexOf('.');
        char flipped = token.charAt(5) == 'A' ? 'B' : 'A';

        assertEquals(Optional.empty(), other.verify(token));
        assertEquals(Optional.empty(), tokens.verify(token.substring(0, 5) + flipped + token.substring(6)));
        assertEquals(Optional.empty(), tokens.verify(token.substring(0, dot)));
        assertEquals(Optional.empty(), tokens.verify(token.substring(0, dot + 1) + "!!!"));
        assertEquals(Optional.empty(), tokens.verify(null));
        assertEquals(Optional.empty(), tokens.verify("v1.."));
        // 32 MAC bytes take 43 characters; the last one's two lowest bits are unused, so flipping one
        // spells the same bytes differently
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char sameBits = alphabet.charAt(alphabet.indexOf(token.charAt(token.length() - 1)) ^ 1);
        assertEquals(Optional.empty(), tokens.verify(token.substring(0, token.length() - 1) + sameBits),
                "one spelling per token");
        assertThrows(IllegalArgumentException.class, () -> new AccessTokens(new byte[16], Duration.ofMinutes(1), clock));
    }
}
