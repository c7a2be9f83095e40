package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code auth.signupEnabled: false} closes sign-up and writes nothing. */
@ExtendWith(DropwizardExtensionsSupport.class)
class SignupDisabledTest {
    private static final ManagementApi API = ManagementApi.onH2(ConfigOverride.config("auth.signupEnabled", "false"));
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;

    @Test
    void signupIsRefused() {
        Reply reply = API.post("/api/v1/auth/signup", null, Map.of("email", "ada@example.com",
                "password", ManagementApi.PASSWORD));

        assertEquals(403, reply.status(), reply.toString());
        assertEquals("permission_error", reply.json().at("/error/type").asText());
        assertEquals(0, API.count("users"));
        assertEquals(0, API.count("audit_log"));
    }
}
