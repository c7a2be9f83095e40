package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.proxy.testing.Behaviour;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A deployment's own time limits apply to its requests instead of its provider's. */
class DeploymentTimeoutsEndToEndTest {
    @Test
    void aDeploymentsShorterFirstByteLimitWinsOverItsProviders() {
        try (ScriptedUpstream up = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start("providers:\n"
                     + "  - {name: up, kind: openai, baseUrl: " + up.baseUrl() + ", timeouts: {firstByte: 10s}}\n"
                     + "deployments:\n"
                     + "  - {name: impatient, provider: up, model: m, timeouts: {firstByte: 300ms}}\n"
                     + "routes:\n"
                     + "  - {model: quick, deployments: [impatient], maxAttempts: 1}\n"
                     + "keys:\n  - {id: test, hash: " + TestGateway.hash(TestGateway.KEY) + ", tenant: acme/app/dev}\n");
             HttpClient http = EndToEndSupport.httpClient()) {
            up.enqueue(Behaviour.slowFirstByte(Duration.ofSeconds(3)));
            long started = System.nanoTime();

            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("quick", "Are you there?", false));

            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(504, r.statusCode(), r.body());
            EndToEndSupport.assertOpenAiError(r.body(), "upstream_timeout");
            assertTrue(tookMillis < 2_500, "the deployment's 300ms limit applied, not the provider's 10s: " + tookMillis + " ms");
        }
    }
}
