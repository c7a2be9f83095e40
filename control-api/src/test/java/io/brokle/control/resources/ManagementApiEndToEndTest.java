package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.brokle.config.ServerSettings;
import io.brokle.control.testing.ManagementApi;
import io.brokle.control.testing.ManagementApi.Reply;
import io.brokle.control.testing.ServiceFixture;
import io.brokle.proxy.ControlPlaneGateway;
import io.brokle.proxy.snapshot.ControlPlaneSnapshotSource;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end path, all through the management API with a real HTTP client: sign up,
 * create an organization, project, environment, a mock provider, a deployment, a route and a
 * virtual key; a proxy node fed by the control plane serves a chat completion with that key to
 * the official OpenAI SDK; revoking the key through the API makes the proxy refuse it within a
 * second.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ManagementApiEndToEndTest {
    private static final String NODE_TOKEN = "node-token-for-the-api-e2e-test-7";
    private static final ManagementApi API = ManagementApi.onH2(
            ConfigOverride.config("nodeToken", NODE_TOKEN),
            ConfigOverride.config("keyPepper", ServiceFixture.PEPPER),
            ConfigOverride.config("masterKeys", Base64.getEncoder().encodeToString(ServiceFixture.randomKey())));
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;
    private ControlPlaneGateway proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(Duration.ofMillis(100));
        }
    }

    private static Reply created(Reply reply) {
        assertEquals(201, reply.status(), reply.toString());
        return reply;
    }

    private HttpResponse<String> chat(String key) throws Exception {
        String body = "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.server().port() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aKeyMadeThroughTheApiWorksAtTheProxyUntilItIsRevokedThroughTheApi() throws Exception {
        String token = API.signupAndLogin("ada@e2e.example");
        String env = "/api/v1/orgs/acme/projects/chat/environments/prod";
        created(API.post("/api/v1/orgs", token, Map.of("slug", "acme", "name", "ACME")));
        created(API.post("/api/v1/orgs/acme/projects", token, Map.of("slug", "chat", "name", "Chat")));
        String environmentId = created(API.post("/api/v1/orgs/acme/projects/chat/environments", token,
                Map.of("name", "prod"))).json().get("id").asText();
        created(API.post(env + "/providers", token, Map.of("name", "mock", "kind", "mock")));
        created(API.post(env + "/deployments", token, Map.of("name", "demo-mock", "provider", "mock", "model", "mock-1")));
        created(API.post(env + "/routes", token, Map.of("model", "demo", "deployments", List.of("demo-mock"))));

        proxy = ControlPlaneGateway.start(ServerSettings.DEFAULTS.withPort(0).withDataDir(dir.resolve("proxy")),
                ServiceFixture.PEPPER, new ControlPlaneSnapshotSource.Settings(URI.create("http://127.0.0.1:"
                        + API.app.getLocalPort()), environmentId, NODE_TOKEN, Duration.ofSeconds(30)),
                null, null, null, 1);

        // Made while the proxy runs: it reaches the proxy the way its revocation will.
        Reply key = created(API.post(env + "/keys", token, Map.of("name", "app", "allowed_models", List.of("demo"))));
        String secret = key.json().get("secret").asText();
        OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + proxy.server().port() + "/v1")
                .apiKey(secret).maxRetries(0).build();
        ChatCompletionCreateParams hello = ChatCompletionCreateParams.builder().model("demo").addUserMessage("Hello!").build();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (chat(secret).statusCode() == 401 && System.nanoTime() < deadline) {
            Thread.sleep(5); // until the snapshot with the new key reaches the proxy
        }
        try {
            ChatCompletion completion = sdk.chat().completions().create(hello).validate();
            assertEquals("assistant", completion.choices().get(0).message()._role().asString().orElseThrow());
            assertTrue(completion.choices().get(0).message().content().orElseThrow().length() > 0);
        } finally {
            sdk.close();
        }

        long revokedAt = System.nanoTime();
        Reply revoked = API.post(env + "/keys/" + key.json().get("id").asText() + "/revoke", token, null);
        assertEquals(200, revoked.status(), revoked.toString());
        HttpResponse<String> refused = chat(secret);
        while (refused.statusCode() != 401 && System.nanoTime() - revokedAt < Duration.ofSeconds(1).toNanos()) {
            Thread.sleep(2);
            refused = chat(secret);
        }
        long took = System.nanoTime() - revokedAt;

        assertEquals(401, refused.statusCode(), "still accepted " + took / 1_000_000 + " ms after the revocation");
        assertTrue(refused.body().contains("\"revoked_api_key\""), refused.body());
        OpenAIClient refusedSdk = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + proxy.server().port() + "/v1")
                .apiKey(secret).maxRetries(0).build();
        try {
            UnauthorizedException e = org.junit.jupiter.api.Assertions.assertThrows(UnauthorizedException.class,
                    () -> refusedSdk.chat().completions().create(hello));
            assertEquals(401, e.statusCode());
        } finally {
            refusedSdk.close();
        }
        assertTrue(took < Duration.ofSeconds(1).toNanos(), took / 1_000_000 + " ms");
        String audit = API.get("/api/v1/orgs/acme/audit?target_type=virtual_key", token).body();
        assertTrue(audit.contains("virtual_key.revoke") && audit.contains("virtual_key.create"), audit);
        assertTrue(!audit.contains(secret), "the audit log holds no secret");
    }
}
