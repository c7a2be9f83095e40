package io.brokle.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.ControlConfiguration;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthConfigurationTest {
    private static ControlConfiguration parse(String yaml) throws Exception {
        YamlConfigurationFactory<ControlConfiguration> factory = new YamlConfigurationFactory<>(
                ControlConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
        return factory.build(path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "control.yml");
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() throws Exception {
        AuthConfiguration auth = parse("auth: {}\n").getAuth();

        assertEquals(Duration.minutes(15), auth.getAccessTokenTtl());
        assertEquals(Duration.days(30), auth.getSessionTtl());
        assertEquals(PasswordHasher.Parameters.OWASP, auth.passwordParameters());
        assertEquals(LoginThrottle.Policy.DEFAULT, auth.loginPolicy());
        assertTrue(auth.isSignupEnabled());
    }

    @Test
    void aShortTokenSecretIsRefusedAtStartWithoutShowingIt() {
        ConfigurationValidationException e = assertThrows(
                ConfigurationValidationException.class, () -> parse("auth:\n  tokenSecret: too-short-secret\n"));

        assertTrue(e.getMessage().contains("auth.tokenSecret must be at least 32 characters"), e.getMessage());
        assertFalse(e.getMessage().contains("too-short-secret"), e.getMessage());
    }

    @Test
    void anEmptyTokenSecretMeansARandomOne() throws Exception {
        assertEquals("", parse("auth:\n  tokenSecret: \"\"\n").getAuth().getTokenSecret());
        assertEquals("AuthConfiguration[tokenSecret=set]",
                parse("auth:\n  tokenSecret: a-secret-of-32-characters-or-more\n").getAuth().toString());
    }
}
