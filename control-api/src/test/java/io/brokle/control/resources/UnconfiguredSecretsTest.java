package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A control plane without a key pepper or master key: the key endpoints, and making a provider
 * with a credential, answer 409 saying which setting is missing, and write nothing; providers
 * without a credential still work.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class UnconfiguredSecretsTest {
    private static final ManagementApi API = ManagementApi.onH2();
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;

    @Test
    void keysAndCredentialsNeedTheirSettings() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("BROKLE_KEY_PEPPER") == null
                && System.getenv("BROKLE_MASTER_KEY") == null && System.getenv("BROKLE_MASTER_KEYS") == null);
        String owner = API.signupAndLogin("owner@unconfigured.example");
        API.createOrganization(owner, "acme");
        API.post("/api/v1/orgs/acme/projects", owner, Map.of("slug", "chat", "name", "Chat"));
        API.post("/api/v1/orgs/acme/projects/chat/environments", owner, Map.of("name", "dev"));
        String e = "/api/v1/orgs/acme/projects/chat/environments/dev";
        int audit = API.count("audit_log");

        Reply key = API.post(e + "/keys", owner, Map.of("name", "k"));
        Reply credential = API.post(e + "/providers", owner, Map.of("name", "openai", "kind", "openai",
                "base_url", "https://api.openai.com/v1", "credential", "sk-unstorable-credential-0001"));

        assertEquals(409, key.status(), key.toString());
        assertTrue(key.error().contains("BROKLE_KEY_PEPPER"), key.error());
        assertEquals(409, credential.status(), credential.toString());
        assertTrue(credential.error().contains("BROKLE_MASTER_KEY"), credential.error());
        assertTrue(!credential.body().contains("sk-unstorable"), credential.body());
        assertEquals(audit, API.count("audit_log"));
        assertEquals(0, API.count("providers"));
        assertEquals(201, API.post(e + "/providers", owner, Map.of("name", "mock", "kind", "mock")).status());
        Reply list = API.get(e + "/keys", owner);
        assertEquals(409, list.status(), "the key endpoints are off without a pepper: " + list);
        assertTrue(list.error().contains("BROKLE_KEY_PEPPER"), list.error());
    }
}
