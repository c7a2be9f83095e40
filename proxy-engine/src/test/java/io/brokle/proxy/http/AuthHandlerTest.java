package io.brokle.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.TenantPath;
import io.brokle.config.VirtualKey;
import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.snapshot.SnapshotHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyHasher HASHER = new KeyHasher("auth-handler-test-pepper");
    private static final TenantPath TENANT = new TenantPath("acme", "app", "prod");
    private static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");

    private static final String GOOD = "brk-good-key-000000000000000000000000000000001";
    private static final String REVOKED = "brk-revoked-key-0000000000000000000000000000002";
    private static final String EXPIRING = "brk-expiring-key-000000000000000000000000000003";
    private static final String LONGEST = "brk-" + "L".repeat(AuthHandler.MAX_KEY_LENGTH - 4);
    private static final String TOO_LONG = "brk-" + "T".repeat(AuthHandler.MAX_KEY_LENGTH - 3);
    private static final String UNKNOWN = "brk-unknown-key-SECRET-SHOULD-NOT-LEAK-0000004";

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final SnapshotHolder holder = new SnapshotHolder(GatewaySnapshot.of(1, List.of(), List.of(), List.of(),
            List.of(key("good", GOOD, null, false), key("revoked", REVOKED, null, true),
                    key("expiring", EXPIRING, EXPIRY, false), key("longest", LONGEST, null, false),
                    key("too-long", TOO_LONG, null, false))));
    private final GatewayState state = new GatewayState(holder, metrics);

    @Test
    void aBearerKeyIsAcceptedAndCarriesTheSnapshotItWasCheckedAgainst() {
        EmbeddedChannel channel = channel(EXPIRY.minusSeconds(3600));
        FullHttpRequest request = request(Map.of("Authorization", "Bearer " + GOOD));
        GatewaySnapshot checkedAgainst = holder.current();

        channel.writeInbound(request);
        holder.apply(GatewaySnapshot.of(0, List.of(), List.of(), List.of(), List.of()));

        AuthenticatedRequest authenticated = channel.readInbound();
        assertSame(request, authenticated.request());
        assertEquals("good", authenticated.key().id());
        assertSame(checkedAgainst, authenticated.snapshot(), "a reload does not change a request midway");
        assertEquals(1, authenticated.refCnt());
        assertNull(channel.readOutbound());
        authenticated.release();
        assertEquals(0, request.refCnt(), "releasing the message releases the request");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void theKeyIsAlsoReadFromXApiKeyAndApiKeyHeaders() {
        for (Map<String, String> headers : List.of(
                Map.of("x-api-key", GOOD),
                Map.of("api-key", GOOD),
                Map.of("Authorization", "bearer   " + GOOD),
                Map.of("Authorization", "Basic dXNlcjpwYXNz", "x-api-key", GOOD))) {
            EmbeddedChannel channel = channel(Instant.EPOCH);

            channel.writeInbound(request(headers));

            AuthenticatedRequest authenticated = channel.readInbound();
            assertNotNull(authenticated, headers.toString());
            assertEquals("good", authenticated.key().id());
            authenticated.release();
            assertFalse(channel.finishAndReleaseAll());
        }
    }

    @Test
    void anUnknownKeyGets401InOpenAiFormatWithoutEchoingIt() throws Exception {
        EmbeddedChannel channel = channel(Instant.EPOCH);
        FullHttpRequest request = request(Map.of("Authorization", "Bearer " + UNKNOWN));

        channel.writeInbound(request);

        JsonNode error = refusal(channel, request, "invalid_api_key", UNKNOWN);
        assertEquals("Incorrect API key provided.", error.get("message").asText());
        assertEquals(1, metrics.counter("brokle_errors_total{cause=\"auth\"}"));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aMissingOrEmptyKeyGets401() throws Exception {
        for (Map<String, String> headers : List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer"),
                Map.of("x-api-key", ""), Map.of("api-key", ""))) {
            EmbeddedChannel channel = channel(Instant.EPOCH);
            FullHttpRequest request = request(headers);

            channel.writeInbound(request);

            refusal(channel, request, "missing_api_key", null);
            assertFalse(channel.finishAndReleaseAll());
        }
    }

    @Test
    void aRevokedKeyGets401NamingItsIdOnly() throws Exception {
        EmbeddedChannel channel = channel(Instant.EPOCH);
        FullHttpRequest request = request(Map.of("x-api-key", REVOKED));

        channel.writeInbound(request);

        JsonNode error = refusal(channel, request, "revoked_api_key", REVOKED);
        assertEquals("This API key (id revoked) has been revoked.", error.get("message").asText());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void onAKeptAliveConnectionEveryRequestIsJudgedOnItsOwnKeyAndTheCurrentSnapshot() throws Exception {
        EmbeddedChannel channel = channel(Instant.EPOCH);
        for (int i = 0; i < 2; i++) {
            channel.writeInbound(request(Map.of("Authorization", "Bearer " + GOOD)));
            AuthenticatedRequest accepted = channel.readInbound();
            assertEquals("good", accepted.key().id());
            accepted.release();
        }

        FullHttpRequest other = request(Map.of("Authorization", "Bearer " + UNKNOWN));
        channel.writeInbound(other);
        refusal(channel, other, "invalid_api_key", UNKNOWN);

        channel.writeInbound(request(Map.of("Authorization", "Bearer " + GOOD)));
        AuthenticatedRequest again = channel.readInbound();
        assertEquals("good", again.key().id(), "the connection's earlier key is still accepted after another one");
        again.release();

        holder.apply(GatewaySnapshot.of(2, List.of(), List.of(), List.of(), List.of(key("good", GOOD, null, true))));
        FullHttpRequest afterRevocation = request(Map.of("Authorization", "Bearer " + GOOD));
        channel.writeInbound(afterRevocation);
        refusal(channel, afterRevocation, "revoked_api_key", GOOD);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aKeyWorksUntilItsExpiryOnTheInjectedClock() throws Exception {
        EmbeddedChannel before = channel(EXPIRY.minusMillis(1));
        before.writeInbound(request(Map.of("Authorization", "Bearer " + EXPIRING)));
        AuthenticatedRequest accepted = before.readInbound();
        assertEquals("expiring", accepted.key().id());
        accepted.release();
        assertFalse(before.finishAndReleaseAll());

        for (Instant now : List.of(EXPIRY, EXPIRY.plus(Duration.ofDays(400)))) {
            EmbeddedChannel after = channel(now);
            FullHttpRequest request = request(Map.of("Authorization", "Bearer " + EXPIRING));

            after.writeInbound(request);

            JsonNode error = refusal(after, request, "expired_api_key", EXPIRING);
            assertEquals("This API key (id expiring) has expired.", error.get("message").asText());
            assertFalse(after.finishAndReleaseAll());
        }
    }

    @Test
    void aKeyLongerThanTheLimitIsRefusedEvenIfItsHashIsKnown() throws Exception {
        EmbeddedChannel longest = channel(Instant.EPOCH);
        longest.writeInbound(request(Map.of("x-api-key", LONGEST)));
        AuthenticatedRequest accepted = longest.readInbound();
        assertEquals("longest", accepted.key().id(), "exactly the limit is a key");
        accepted.release();
        assertFalse(longest.finishAndReleaseAll());

        EmbeddedChannel channel = channel(Instant.EPOCH);
        FullHttpRequest request = request(Map.of("x-api-key", TOO_LONG));

        channel.writeInbound(request);

        refusal(channel, request, "invalid_api_key", TOO_LONG);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aHugeHeaderValueIsRefusedWithoutEchoingAnyOfIt() throws Exception {
        String huge = "brk-" + "Z".repeat(100_000);
        EmbeddedChannel channel = channel(Instant.EPOCH);
        FullHttpRequest request = request(Map.of("Authorization", "Bearer " + huge));

        channel.writeInbound(request);

        refusal(channel, request, "invalid_api_key", "ZZZZZZZZ");
        assertFalse(channel.finishAndReleaseAll());
    }

    private JsonNode refusal(EmbeddedChannel channel, FullHttpRequest request, String code, String secret)
            throws Exception {
        FullHttpResponse response = channel.readOutbound();
        assertNotNull(response, "a refusal was written");
        try {
            assertEquals(401, response.status().code());
            assertEquals(0, request.refCnt(), "the refused request was released");
            assertNull(channel.readInbound(), "nothing passed on");
            assertTrue(channel.isOpen(), "a refusal keeps the connection");
            String body = response.content().toString(StandardCharsets.UTF_8);
            JsonNode error = JSON.readTree(body).get("error");
            assertEquals(code, error.get("code").asText());
            assertEquals("invalid_request_error", error.get("type").asText());
            assertTrue(error.get("param").isNull());
            if (secret != null) {
                assertFalse(body.contains(secret), "the key is not in the body: " + body);
                assertFalse(body.contains(secret.substring(secret.length() - 8)), "nor its tail: " + body);
                response.headers().forEach(h -> assertFalse(h.getValue().contains(secret),
                        "the key is not in header " + h.getKey()));
            }
            return error;
        } finally {
            response.release();
        }
    }

    @Test
    void onTheMessagesEndpointA401IsInAnthropicsFormat() throws Exception {
        EmbeddedChannel channel = channel(EXPIRY.minusSeconds(3600));
        FullHttpRequest request = request(Map.of("x-api-key", UNKNOWN));
        request.setUri("/v1/messages");

        channel.writeInbound(request);

        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals(401, response.status().code());
            String body = response.content().toString(StandardCharsets.UTF_8);
            assertEquals(JSON.readTree("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                    + "\"message\":\"Incorrect API key provided.\"}}"), JSON.readTree(body));
        } finally {
            response.release();
        }
        assertEquals(0, request.refCnt());
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    private EmbeddedChannel channel(Instant now) {
        EmbeddedChannel channel = new EmbeddedChannel(new AuthHandler(state, HASHER, Clock.fixed(now, ZoneOffset.UTC)));
        // What RequestGuardHandler does for every request before it reaches auth.
        channel.attr(GatewayState.RECEIVED_AT).set(System.nanoTime());
        metrics.requestStarted();
        return channel;
    }

    private static FullHttpRequest request(Map<String, String> headers) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                "/v1/chat/completions", Unpooled.copiedBuffer("{\"model\":\"m\",\"messages\":[]}",
                StandardCharsets.UTF_8));
        headers.forEach((name, value) -> request.headers().set(name, value));
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        return request;
    }

    private static VirtualKey key(String id, String secret, Instant expiresAt, boolean revoked) {
        return new VirtualKey(id, HASHER.hash(secret), TENANT, Set.of(), expiresAt, revoked);
    }
}
