package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Provider base URLs name hosts, not addresses: the gateway resolves them with Netty's
 * non-blocking resolver (hosts file, then DNS), never with a lookup that blocks an event loop.
 */
class HostNameResolutionTest {
    @Test
    void aProviderNamedByHostNameIsReached() {
        try (ScriptedUpstream up = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl().replace("127.0.0.1", "localhost")));
             HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("gpt-test", "Find me by name", false));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, up.requests().size());
            assertEquals("localhost:" + up.port(), up.requests().get(0).header("host"));
        }
    }
}
