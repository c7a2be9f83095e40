package io.brokle.config;

import static io.brokle.config.Yaml.MINIMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Secrets (API keys, the key pepper, URL credentials) never reach a message or a toString. */
class SecretRedactionTest {
    private static final String SECRET = "sk-live-TOPSECRET-42";

    private static void assertNoSecret(ConfigException e, String secret) {
        assertFalse(e.getMessage().contains(secret), e::getMessage);
        for (String problem : e.problems()) {
            assertFalse(problem.contains(secret), problem);
        }
    }

    @ParameterizedTest(name = "apiKey: {0}")
    @ValueSource(strings = {"{value: " + SECRET + "}", "[" + SECRET + "]", "[a, " + SECRET + "]"})
    void wronglyTypedApiKeyIsNotShown(String apiKeyYaml) {
        ConfigException e = Yaml.failure(Yaml.openAiWith("baseUrl: https://api.openai.com/v1\napiKey: " + apiKeyYaml));

        assertNoSecret(e, SECRET);
        assertEquals(List.of("providers[0].apiKey: (a secret, not shown) (expected: a string)"), e.problems());
    }

    @Test
    void wronglyTypedKeyPepperIsNotShown() {
        ConfigException e = Yaml.failure("auth:\n  keyPepper: [" + SECRET + "]\n" + MINIMAL);

        assertNoSecret(e, SECRET);
        assertEquals(List.of("auth.keyPepper: (a secret, not shown) (expected: a string)"), e.problems());
    }

    @Test
    void shortKeyPepperIsNotShown() {
        ConfigException e = Yaml.failure("auth:\n  keyPepper: s3cr3t-pep\n" + MINIMAL);

        assertNoSecret(e, "s3cr3t-pep");
    }

    @Test
    void apiKeyOnAMockProviderIsNotShown() {
        ConfigException e = Yaml.failure("providers:\n  - name: p\n    kind: mock\n    apiKey: " + SECRET + "\n");

        assertNoSecret(e, SECRET);
    }

    @Test
    void misspelledApiKeyFieldDoesNotShowItsValue() {
        ConfigException e = Yaml.failure(Yaml.openAiWith("baseUrl: https://api.openai.com/v1\napi_key: " + SECRET));

        assertNoSecret(e, SECRET);
        assertTrue(e.problems().get(0).startsWith("providers[0].api_key: unknown field"), e.problems()::toString);
    }

    @Test
    void otherProblemsInAFileWithSecretsDoNotShowThem() {
        ConfigException e = Yaml.failure("auth:\n  keyPepper: ${PEPPER}\n" + Yaml.openAiWith("""
                baseUrl: https://api.openai.com/v1
                apiKey: ${KEY}
                timeouts:
                  connect: forever"""), Map.of("PEPPER", "pepper-" + SECRET, "KEY", SECRET));

        assertNoSecret(e, SECRET);
    }

    @Test
    void secretThatLooksLikeABadVariableReferenceIsNotShown() {
        // A generated secret may contain "${"; the part in braces must not be echoed as a "variable name".
        ConfigException e = Yaml.failure("auth:\n  keyPepper: \"Zx9${q w}Kd83jfh2kd\"\n" + MINIMAL);

        assertNoSecret(e, "q w");
    }

    @Test
    void credentialsInANonHttpBaseUrlAreNotShown() {
        ConfigException e = Yaml.failure(Yaml.openAiWith("baseUrl: ftp://svc:hunter2@files.example.com/v1"));

        assertNoSecret(e, "hunter2");
    }

    @Test
    void credentialsInAnHttpsBaseUrlAreNotShown() {
        ConfigException e = Yaml.failure(Yaml.openAiWith("baseUrl: https://svc:hunter2@api.example.com/v1"));

        assertNoSecret(e, "hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://svc:hunter2 x@api.example.com/v1", "svc:hunter2@api.example.com/v1",
        "ftp://svc:hunter2@bad_host/v1"})
    void credentialsInAnUnparsableOrSchemelessBaseUrlAreNotShown(String raw) {
        ConfigException e = Yaml.failure(Yaml.openAiWith("baseUrl: \"" + raw + "\""));

        assertNoSecret(e, "hunter2");
        assertEquals(1, e.problems().size(), e.problems()::toString);
        assertTrue(e.problems().get(0).startsWith("providers[0].baseUrl: "), e.problems()::toString);
    }

    @Test
    void apiKeyThatLooksLikeABadVariableReferenceIsNotShown() {
        ConfigException e = Yaml.failure(Yaml.openAiWith("baseUrl: https://api.openai.com/v1\napiKey: \"sk-${9x}\""));

        assertNoSecret(e, "9x");
        assertTrue(e.problems().get(0).startsWith("providers[0].apiKey: "), e.problems()::toString);
    }

    @Test
    void apiKeyInAQueryIsNotShown() {
        ConfigException e = Yaml.failure(Yaml.openAiWith("baseUrl: https://api.example.com/v1?key=hunter2"));

        assertNoSecret(e, "hunter2");
    }

    @Test
    void providerToStringRedactsTheApiKey() {
        Provider p = new Provider("openai", ProviderKind.OPENAI, URI.create("https://api.openai.com/v1"), SECRET,
                null, true, UpstreamTimeouts.DEFAULTS, null);

        assertFalse(p.toString().contains(SECRET), p::toString);
        assertTrue(p.toString().contains("apiKey=(redacted)"), p::toString);
        assertTrue(p.toString().contains("name=openai"), p::toString);
        assertTrue(p.toString().contains("kind=openai"), p::toString);
    }

    @Test
    void providerToStringSaysNoneWithoutAKey() {
        Provider p = new Provider("ollama", ProviderKind.OPENAI, URI.create("http://localhost:11434/v1"), null,
                null, true, UpstreamTimeouts.DEFAULTS, null);

        assertTrue(p.toString().contains("apiKey=none"), p::toString);
    }

    @Test
    void gatewayConfigToStringRedactsPepperAndNeverListsProviderKeys() {
        GatewayConfig config = Yaml.parse("auth:\n  keyPepper: ${PEPPER}\n" + Yaml.openAiWith("""
                baseUrl: https://api.openai.com/v1
                apiKey: ${KEY}"""), Map.of("PEPPER", "pepper-" + SECRET, "KEY", "key-" + SECRET));

        assertEquals("pepper-" + SECRET, config.keyPepper());
        assertFalse(config.toString().contains(SECRET), config::toString);
        assertTrue(config.toString().contains("keyPepper=(redacted)"), config::toString);
        assertFalse(config.snapshot().providers().get("up").toString().contains(SECRET));
    }

    @Test
    void gatewayConfigToStringSaysNoneWithoutAPepper() {
        assertTrue(Yaml.parse(MINIMAL).toString().contains("keyPepper=none"));
    }

    @Test
    void snapshotToStringDoesNotContainApiKeys() {
        GatewaySnapshot snapshot = Yaml.parse(Yaml.openAiWith("""
                baseUrl: https://api.openai.com/v1
                apiKey: ${KEY}"""), Map.of("KEY", SECRET)).snapshot();

        assertFalse(snapshot.toString().contains(SECRET), snapshot::toString);
    }
}
