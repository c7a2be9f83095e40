package io.brokle.control.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.Provider;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.control.ControlServices;
import io.brokle.control.routes.DeploymentSpec;
import io.brokle.control.snapshot.InvalidChangeException;
import io.brokle.control.testing.BothDatabases;
import io.brokle.control.testing.ServiceFixture;
import io.brokle.control.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

class ProviderServiceTest {
    private static final String SECRET = "sk-proj-0123456789abcdefWXYZ";

    private static ProviderSpec openAi(String credential) {
        return new ProviderSpec("openai", "openai", "https://api.openai.com/v1", credential, null, true,
                new UpstreamTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofMinutes(2)),
                null, null);
    }

    @BothDatabases
    void credentialsAreStoredEncryptedShownMaskedAndDecryptedOnlyIntoTheSnapshot(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);

        ProviderView view = f.services.providers().create(f.user, f.environment, openAi(SECRET));

        assertEquals("sk-...WXYZ", view.credentialHint());
        assertFalse(view.toString().contains("0123456789abcdef"));
        byte[] stored = db.jdbi().withHandle(h -> h.createQuery("select encrypted_credential from providers")
                .mapTo(byte[].class).one());
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("0123456789"));
        Provider provider = f.snapshot().providers().get("openai");
        assertEquals(SECRET, provider.apiKey());
        assertEquals(Duration.ofSeconds(2), provider.timeouts().connect());
        assertFalse(provider.toString().contains(SECRET));
        assertFalse(openAi(SECRET).toString().contains(SECRET));
        assertEquals(1, f.version());
    }

    @BothDatabases
    void anUpdateKeepsOrReplacesOrRemovesTheCredential(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        ProviderView created = f.services.providers().create(f.user, f.environment, openAi(SECRET));

        f.services.providers().update(f.user, created.id(), new ProviderSpec("openai", "openai", "https://proxy.example/v1",
                null, null, false, null, null, "openai"));
        Provider kept = f.snapshot().providers().get("openai");
        assertEquals(SECRET, kept.apiKey());
        assertEquals("https://proxy.example/v1", kept.baseUrl().toString());
        assertFalse(kept.enabled());
        assertEquals(UpstreamTimeouts.DEFAULTS, kept.timeouts());

        f.services.providers().update(f.user, created.id(), openAi("sk-another-key-ABCD1234"));
        assertEquals("sk-another-key-ABCD1234", f.snapshot().providers().get("openai").apiKey());
        assertEquals("sk-...1234", f.services.providers().get(created.id()).orElseThrow().credentialHint());

        ProviderView removed = f.services.providers().update(f.user, created.id(), openAi(""));
        assertNull(removed.credentialHint());
        assertNull(f.snapshot().providers().get("openai").apiKey());
    }

    @BothDatabases
    void translatedKindsNeedTheirKeyAndBedrockIsLeftToYaml(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);

        for (String kind : List.of("gemini", "cohere")) {
            InvalidChangeException missing = assertThrows(InvalidChangeException.class, () -> f.services.providers().create(
                    f.user, f.environment, new ProviderSpec("p", kind, "https://api.example.com", null, "v1", true, null, null,
                            null)));
            assertEquals(List.of("apiVersion: only for kinds azure and anthropic (leave it empty)",
                    "credential: missing (required for kind " + kind + ")"), missing.problems());
        }
        InvalidChangeException bedrock = assertThrows(InvalidChangeException.class, () -> f.services.providers().create(
                f.user, f.environment, new ProviderSpec("aws", "bedrock", "https://bedrock-runtime.us-east-1.amazonaws.com",
                        null, null, true, null, null, null)));
        assertTrue(bedrock.problems().getFirst().startsWith("kind: bedrock is not managed by the control plane yet"));
        assertEquals(0, f.version(), "nothing was written");
    }

    @BothDatabases
    void theYamlRulesForProvidersApplyFieldByField(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);

        InvalidChangeException azure = assertThrows(InvalidChangeException.class, () -> f.services.providers().create(
                f.user, f.environment, new ProviderSpec("az", "azure", "ftp://x", null, null, true, null, null, null)));
        assertEquals(List.of("baseUrl: \"ftp://x\" (expected: an http or https URL with a host)",
                "apiVersion: missing (required for kind azure, e.g. 2024-10-21)",
                "credential: missing (required for kind azure)"), azure.problems());
        InvalidChangeException kind = assertThrows(InvalidChangeException.class, () -> f.services.providers().create(
                f.user, f.environment, new ProviderSpec("bad name!", "martian", null, null, null, true, null, null, "nope")));
        assertEquals(3, kind.problems().size(), kind.problems().toString());
        assertTrue(kind.problems().get(1).startsWith("kind: \"martian\" (expected one of: "
                + io.brokle.config.ProviderKind.allYamlNames() + ")"), kind.problems().get(1));
        InvalidChangeException mock = assertThrows(InvalidChangeException.class, () -> f.services.providers().create(
                f.user, f.environment, new ProviderSpec("m", "mock", null, "sk-1", null, true, null, null, null)));
        assertEquals(List.of("credential: not used by kind mock (leave it empty)"), mock.problems());
        assertEquals(List.of(), f.services.providers().list(f.environment));
        assertEquals(0, f.version());

        f.services.providers().create(f.user, f.environment, openAi(SECRET));
        InvalidChangeException taken = assertThrows(InvalidChangeException.class,
                () -> f.services.providers().create(f.user, f.environment, openAi(SECRET)));
        assertEquals("name: \"openai\" is taken in this environment", taken.getMessage());
    }

    @BothDatabases
    void withoutAMasterKeyOnlyProvidersWithoutCredentialsCanBeMade(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db, null);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> f.services.providers().create(f.user, f.environment, openAi(SECRET)));
        assertTrue(e.getMessage().contains("BROKLE_MASTER_KEY"), e.getMessage());
        f.services.providers().create(f.user, f.environment, openAi(null));
        assertNull(f.snapshot().providers().get("openai").apiKey());
    }

    @BothDatabases
    void reencryptAllMovesEveryCredentialToTheNewMasterKey(TestDatabase db) {
        byte[] oldKey = ServiceFixture.randomKey();
        byte[] newKey = ServiceFixture.randomKey();
        ServiceFixture f = new ServiceFixture(db, oldKey);
        f.services.providers().create(f.user, f.environment, openAi(SECRET));
        long version = f.version();

        ControlServices rotating = ControlServices.create(f.jdbi, ServiceFixture.PEPPER,
                CredentialCipher.of(List.of(newKey, oldKey)), f.clock);
        assertEquals(1, rotating.providers().reencryptAll());
        assertEquals(0, rotating.providers().reencryptAll());

        ControlServices after = ControlServices.create(f.jdbi, ServiceFixture.PEPPER, CredentialCipher.of(List.of(newKey)), f.clock);
        assertEquals(SECRET, f.jdbi.withHandle(h -> after.builder().build(h, f.environment)).providers().get("openai").apiKey());
        assertEquals(version, f.version(), "the plaintext did not change, so the snapshot did not");
    }

    @BothDatabases
    void aProviderInUseCannotBeDeleted(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        ProviderView p = f.services.providers().create(f.user, f.environment, openAi(SECRET));
        f.services.routes().putDeployment(f.user, f.environment, new DeploymentSpec("gpt", "openai", "gpt-4o", null, null, null));

        InvalidChangeException e = assertThrows(InvalidChangeException.class, () -> f.services.providers().delete(f.user, p.id()));

        assertEquals("provider \"openai\" is used by deployments gpt (delete or move them first)", e.getMessage());
        f.services.routes().deleteDeployment(f.user, f.environment, "gpt");
        f.services.providers().delete(f.user, p.id());
        assertEquals(List.of(), f.services.providers().list(f.environment));
    }
}
