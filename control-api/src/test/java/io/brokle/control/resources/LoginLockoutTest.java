package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Brute-force protection with the default policy (5 free failures per account, 20 per address,
 * then 1 s doubling up to 15 min), on a fake clock. Each test has its own app: the address
 * (127.0.0.1) is shared by everything the test sends.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LoginLockoutTest {
    private final ManagementApi api = ManagementApi.onH2();
    @SuppressWarnings("unused")
    private final DropwizardAppExtension<?> app = api.app;

    private Reply login(String email, String password) {
        return api.post("/api/v1/auth/login", null, Map.of("email", email, "password", password));
    }

    @Test
    void anAccountLocksOutExponentiallyAfterFiveFailuresEvenForTheRightPassword() {
        api.signupAndLogin("alice@example.com");
        for (int i = 0; i < 6; i++) {
            assertEquals(401, login("alice@example.com", "wrong password").status(), "failure " + (i + 1));
        }
        // the 6th failure locked the account for 1 s: even the right password waits
        Reply locked = login("alice@example.com", ManagementApi.PASSWORD);
        assertEquals(429, locked.status(), locked.toString());
        assertEquals("1", locked.raw().headers().firstValue("Retry-After").orElse(""));
        assertEquals("rate_limit_error", locked.json().at("/error/type").asText());
        assertTrue(locked.error().contains("try again in 1 s"), locked.error());

        api.clock.advance(Duration.ofSeconds(1));
        assertEquals(401, login("alice@example.com", "wrong again").status());
        Reply twice = login("alice@example.com", ManagementApi.PASSWORD);
        assertEquals(429, twice.status());
        assertEquals("2", twice.raw().headers().firstValue("Retry-After").orElse(""));

        api.clock.advance(Duration.ofSeconds(2));
        assertEquals(200, login("alice@example.com", ManagementApi.PASSWORD).status());
        // a success starts the account over: five more free failures
        for (int i = 0; i < 5; i++) {
            assertEquals(401, login("alice@example.com", "wrong password").status());
        }
        assertEquals(200, login("alice@example.com", ManagementApi.PASSWORD).status());
    }

    @Test
    void lockoutsAreCappedAtFifteenMinutesAndForgottenAfterAnHour() {
        for (int i = 0; i < 20; i++) {
            api.clock.advance(Duration.ofMinutes(16)); // past any earlier lockout, within the hour
            assertEquals(401, login("nobody@example.com", "guess " + i).status());
        }
        Reply locked = login("nobody@example.com", "guess");
        assertEquals(429, locked.status(), locked.toString());
        assertEquals("900", locked.raw().headers().firstValue("Retry-After").orElse(""));

        api.clock.advance(Duration.ofMinutes(61));
        assertEquals(401, login("nobody@example.com", "guess").status());
    }

    @Test
    void unknownAccountsLockOutLikeKnownOnes() {
        for (int i = 0; i < 6; i++) {
            assertEquals(401, login("ghost@example.com", "guess").status());
        }
        assertEquals(429, login("ghost@example.com", "guess").status());
    }

    @Test
    void anAddressLocksOutAfterTwentyFailuresAcrossAccounts() {
        api.signupAndLogin("bob@example.com");
        for (int i = 0; i < 21; i++) {
            assertEquals(401, login("victim" + i + "@example.com", "guess").status(), "failure " + (i + 1));
        }
        Reply locked = login("bob@example.com", ManagementApi.PASSWORD);
        assertEquals(429, locked.status(), locked.toString());

        api.clock.advance(Duration.ofSeconds(1));
        assertEquals(200, login("bob@example.com", ManagementApi.PASSWORD).status());
    }
}
