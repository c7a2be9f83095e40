package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.CHAT_PATH;
import static io.brokle.proxy.EndToEndSupport.UPSTREAM_SECRET;
import static io.brokle.proxy.EndToEndSupport.WAIT;
import static io.brokle.proxy.EndToEndSupport.assertOpenAiError;
import static io.brokle.proxy.EndToEndSupport.chat;
import static io.brokle.proxy.EndToEndSupport.get;
import static io.brokle.proxy.EndToEndSupport.keyYaml;
import static io.brokle.proxy.EndToEndSupport.modelIds;
import static io.brokle.proxy.EndToEndSupport.parse;
import static io.brokle.proxy.EndToEndSupport.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.RawHttpSupport.Response;
import io.brokle.proxy.netty.Transport;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How each provider kind is called upstream, and that only configuration decides where a
 * request goes: URL, path, credential header, switched-off providers, weights, TLS verification.
 */
class ProviderKindsTest {
    /**
     * A self-signed certificate (EC P-256, CN untrusted.brokle.test, SAN localhost and 127.0.0.1,
     * valid until 2126) and its key, made once with openssl for this test: no CA trusts it.
     * Embedded because generating one at test time needs keytool and takes seconds.
     */
    private static final String UNTRUSTED_CERT = """
            -----BEGIN CERTIFICATE-----
            MIIBszCCAVmgAwIBAgIUd7yYQusOBWr7KOB6/rhD9FE2gXAwCgYIKoZIzj0EAwIw
            IDEeMBwGA1UEAwwVdW50cnVzdGVkLmJyb2tsZS50ZXN0MCAXDTI2MTEyNTIxMDAz
            N1oYDzIxMjYxMTAxMjEwMDM3WjAgMR4wHAYDVQQDDBV1bnRydXN0ZWQuYnJva2xl
            LnRlc3QwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARQ2TPhwMXoHbQDNgWGMPLW
            lgJY/agbOQql9ZSuM/FSmb6WtcEcXHLZiCzmProfmverpT6+QOL4h9BdjqD2f9Aa
            o28wbTAdBgNVHQ4EFgQU5FE4AyVEVt5tAep/gooyqYhL2xMwHwYDVR0jBBgwFoAU
            5FE4AyVEVt5tAep/gooyqYhL2xMwDwYDVR0TAQH/BAUwAwEB/zAaBgNVHREEEzAR
            gglsb2NhbGhvc3SHBH8AAAEwCgYIKoZIzj0EAwIDSAAwRQIgHl9pki9al12FxUMM
            3jmj8pDTb8Ge/in+zB0AV6nggJsCIQDKri52Z5oBfbGn9W9I6zNBe30CCduzU5Ng
            pngOeM9pmA==
            -----END CERTIFICATE-----
            """;
    private static final String UNTRUSTED_KEY = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/OoYgZ+eAfz6v68t
            g7HAusXChp5R/6DylexDeLeTkHmhRANCAARQ2TPhwMXoHbQDNgWGMPLWlgJY/agb
            OQql9ZSuM/FSmb6WtcEcXHLZiCzmProfmverpT6+QOL4h9BdjqD2f9Aa
            -----END PRIVATE KEY-----
            """;

    private final HttpClient http = EndToEndSupport.httpClient();
    private ScriptedUpstream upstream;

    @BeforeEach
    void startUpstream() {
        upstream = ScriptedUpstream.start();
    }

    @AfterEach
    void stop() {
        http.close();
        upstream.close();
    }

    @Test
    void azureGetsItsDeploymentPathApiVersionAndApiKeyHeader() throws Exception {
        String resource = "http://127.0.0.1:" + upstream.port();
        String yaml = "providers:\n"
                + "  - name: azure-east\n"
                + "    kind: azure\n"
                + "    baseUrl: " + resource + "\n"
                + "    apiVersion: 2024-10-21\n"
                + "    apiKey: azure-resource-key-0001\n"
                + "    timeouts: {connect: 1s, firstByte: 2s, idle: 1s, total: 10s}\n"
                + "deployments:\n"
                + "  - {name: az, provider: azure-east, model: my-gpt4o-deployment}\n"
                + "routes:\n"
                + "  - {model: gpt-4o, deployments: [az]}\n"
                + keyYaml();
        try (TestGateway gw = TestGateway.start(yaml)) {
            post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-4o", "Hello!", false));

            RecordedRequest sent = upstream.takeRequest(WAIT);
            assertNotNull(sent, "the request reached the Azure resource");
            assertEquals("POST", sent.method());
            assertEquals("/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21", sent.uri());
            assertEquals("azure-resource-key-0001", sent.header("api-key"));
            assertNull(sent.header("Authorization"), "Azure takes api-key, not Authorization");
            assertEquals("127.0.0.1:" + upstream.port(), sent.header("Host"));
            assertVirtualKeyNotForwarded(sent);
        }
    }

    @Test
    void openAiProviderWithoutApiKeySendsNoCredential() throws Exception {
        String yaml = "providers:\n"
                + "  - {name: local-vllm, kind: openai, baseUrl: " + upstream.baseUrl() + "}\n"
                + "deployments:\n"
                + "  - {name: local, provider: local-vllm, model: llama-3-8b}\n"
                + "routes:\n"
                + "  - {model: llama, deployments: [local]}\n"
                + keyYaml();
        try (TestGateway gw = TestGateway.start(yaml)) {
            HttpResponse<String> r = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("llama", "Hello!", false));

            assertEquals(200, r.statusCode(), r.body());
            RecordedRequest sent = upstream.takeRequest(WAIT);
            assertEquals("/v1/chat/completions", sent.uri());
            assertNull(sent.header("Authorization"), "no provider key configured: no Authorization header");
            assertNull(sent.header("api-key"));
            assertNull(sent.header("x-api-key"));
            assertEquals("llama-3-8b", sent.bodyJson().path("model").asText());
            assertVirtualKeyNotForwarded(sent);
        }
    }

    @Test
    void providerWithAnUnsetKeyVariableIsSwitchedOff() throws Exception {
        String yaml = "providers:\n"
                + "  - {name: lit, kind: openai, baseUrl: " + upstream.baseUrl() + ", apiKey: sk-on}\n"
                + "  - {name: dark, kind: openai, baseUrl: " + upstream.baseUrl() + ", apiKey: \"${UNSET_VAR:-}\"}\n"
                + "deployments:\n"
                + "  - {name: d-on, provider: lit, model: m-on}\n"
                + "  - {name: d-off, provider: dark, model: m-off}\n"
                + "routes:\n"
                + "  - {model: served, deployments: [d-on]}\n"
                + "  - {model: switched-off, deployments: [d-off]}\n"
                + keyYaml();
        try (TestGateway gw = TestGateway.start(yaml, Map.of())) {
            HttpResponse<String> off = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("switched-off", "Hello!", false));
            HttpResponse<String> models = get(http, gw, "/v1/models", TestGateway.KEY);

            assertEquals(503, off.statusCode());
            assertOpenAiError(off.body(), "model_unavailable");
            assertEquals(List.of("served"), modelIds(models.body()), "a switched-off route is not listed");
            assertEquals(200, post(http, gw, CHAT_PATH, TestGateway.KEY, chat("served", "Hello!", false)).statusCode());
            assertEquals(1, upstream.requestCount(), "only the served route went upstream");
            assertEquals("m-on", upstream.requests().get(0).bodyJson().path("model").asText());
        }
    }

    @Test
    void clientHeadersAndBodyFieldsCannotRedirectTheUpstreamRequest() throws Exception {
        try (ScriptedUpstream canary = ScriptedUpstream.start();
             TestGateway gw = TestGateway.start(TestGateway.openAiYaml(upstream.baseUrl()));
             RawHttpSupport c = RawHttpSupport.connect(gw.port())) {
            String elsewhere = "127.0.0.1:" + canary.port();
            String body = "{\"model\":\"gpt-test\",\"api_base\":\"http://" + elsewhere + "/v1\","
                    + "\"base_url\":\"http://" + elsewhere + "/v1\",\"baseUrl\":\"http://" + elsewhere + "/v1\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.write("POST /v1/chat/completions?base_url=http://" + elsewhere + " HTTP/1.1\r\n"
                    + "Host: " + elsewhere + "\r\n"
                    + "X-Forwarded-Host: " + elsewhere + "\r\n"
                    + "X-Forwarded-Proto: http\r\n"
                    + "X-Forwarded-Port: " + canary.port() + "\r\n"
                    + "Forwarded: host=" + elsewhere + ";proto=http\r\n"
                    + "X-Original-URL: http://" + elsewhere + "/v1/chat/completions\r\n"
                    + "X-Rewrite-URL: /elsewhere\r\n"
                    + "Authorization: Bearer " + TestGateway.KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n");
            c.write(bytes);
            Response steered = c.readResponse();

            c.write("POST http://" + elsewhere + "/v1/chat/completions HTTP/1.1\r\nHost: " + elsewhere + "\r\n"
                    + "Authorization: Bearer " + TestGateway.KEY + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n");
            c.write(bytes);
            Response absoluteForm = c.readResponse();

            assertEquals(200, steered.status(), steered.text());
            RecordedRequest sent = upstream.takeRequest(WAIT);
            assertEquals("/v1/chat/completions", sent.uri(), "the configured path, nothing of the client's URL");
            assertEquals("127.0.0.1:" + upstream.port(), sent.header("Host"), "the configured host");
            assertEquals("Bearer " + UPSTREAM_SECRET, sent.header("Authorization"));
            for (Entry<String, String> h : sent.headers()) {
                assertFalse(h.getValue().contains(elsewhere), "client routing header relayed upstream: " + h);
            }
            assertTrue(absoluteForm.status() == 404 || absoluteForm.status() == 200,
                    "an absolute-form target is served locally or refused: " + absoluteForm.status());
            if (absoluteForm.status() == 200) {
                RecordedRequest second = upstream.takeRequest(WAIT);
                assertEquals("/v1/chat/completions", second.uri());
            }
            assertEquals(0, canary.requestCount(), "the canary received no request");
            assertEquals(0, canary.connectionsAccepted(), "the gateway never even connected to the canary");
        }
    }

    @Test
    void weightsSplitTrafficBetweenDeployments() throws Exception {
        try (ScriptedUpstream light = ScriptedUpstream.start()) {
            String yaml = "providers:\n"
                    + "  - {name: heavy, kind: openai, baseUrl: " + upstream.baseUrl() + ", apiKey: sk-heavy}\n"
                    + "  - {name: light, kind: openai, baseUrl: " + light.baseUrl() + ", apiKey: sk-light}\n"
                    + "deployments:\n"
                    + "  - {name: d-heavy, provider: heavy, model: m, weight: 3}\n"
                    + "  - {name: d-light, provider: light, model: m, weight: 1}\n"
                    + "routes:\n"
                    + "  - {model: balanced, deployments: [d-heavy, d-light]}\n"
                    + keyYaml();
            int total = 400;
            try (TestGateway gw = TestGateway.start(yaml)) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + TestGateway.KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chat("balanced", "Hello!", false)))
                        .build();
                Semaphore window = new Semaphore(8);
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    window.acquire();
                    answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                            .whenComplete((r, e) -> window.release()));
                }
                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> r = answer.get(20, TimeUnit.SECONDS);
                    assertEquals(200, r.statusCode(), r.body());
                }
            }
            int heavy = upstream.requestCount();
            int lightCount = light.requestCount();

            assertEquals(total, heavy + lightCount, "every request went to exactly one deployment");
            // Expected 300:100; binomial standard deviation ~8.7, so 60..145 is a very wide band.
            assertTrue(lightCount >= 60 && lightCount <= 145, "weight 1 of 4 got " + lightCount + " of " + total);
            assertTrue(heavy > 2 * lightCount, "weight 3 got " + heavy + ", weight 1 got " + lightCount);
        }
    }

    @Test
    void anUntrustedUpstreamCertificateIsRefused() throws Exception {
        SslContext serverTls = SslContextBuilder.forServer(
                new ByteArrayInputStream(UNTRUSTED_CERT.getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream(UNTRUSTED_KEY.getBytes(StandardCharsets.US_ASCII))).build();
        AtomicInteger handshakes = new AtomicInteger();
        EventLoopGroup group = Transport.detect().newGroup(1, "untrusted-tls");
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(Transport.detect().serverChannel())
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            handshakes.incrementAndGet();
                            ch.pipeline().addLast(serverTls.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg);
                                    ctx.close();
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            String yaml = "providers:\n"
                    + "  - name: self-signed\n"
                    + "    kind: openai\n"
                    + "    baseUrl: https://127.0.0.1:" + port + "/v1\n"
                    + "    apiKey: sk-must-not-leak-over-untrusted-tls\n"
                    + "    timeouts: {connect: 2s, firstByte: 2s, idle: 1s, total: 5s}\n"
                    + "deployments:\n"
                    + "  - {name: tls, provider: self-signed, model: m}\n"
                    + "routes:\n"
                    + "  - {model: gpt-tls, deployments: [tls]}\n"
                    + keyYaml();
            try (TestGateway gw = TestGateway.start(yaml)) {
                HttpResponse<String> r = post(http, gw, CHAT_PATH, TestGateway.KEY, chat("gpt-tls", "Hello!", false));

                assertEquals(502, r.statusCode(), r.body());
                JsonNode error = assertOpenAiError(r.body(), "upstream_unavailable");
                assertTrue(error.path("message").asText().contains("TLS"), "the message names TLS: " + r.body());
                assertFalse(r.body().contains("sk-must-not-leak"), r.body());
                assertTrue(handshakes.get() >= 1, "the gateway did connect and attempt a handshake");
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** The client's virtual key never goes upstream, in any header. */
    private static void assertVirtualKeyNotForwarded(RecordedRequest sent) {
        for (Entry<String, String> h : sent.headers()) {
            assertFalse(h.getValue().contains(TestGateway.KEY), "virtual key relayed in " + h.getKey());
        }
        assertFalse(sent.bodyText().contains(TestGateway.KEY));
        assertTrue(parse(sent.bodyText()).isObject());
    }
}
