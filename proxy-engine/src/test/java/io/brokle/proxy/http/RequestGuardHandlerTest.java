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
import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.snapshot.SnapshotHolder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestGuardHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final GatewayState state = new GatewayState(
            new SnapshotHolder(GatewaySnapshot.of(1, List.of(), List.of(), List.of(), List.of())), metrics);
    private final EmbeddedChannel channel = new EmbeddedChannel(new RequestGuardHandler(state));

    @Test
    void underMemoryPressureAnApiRequestIsShedWith503AndRetryAfterButHealthPassesOn() throws Exception {
        GatewayState pressed = new GatewayState(
                new SnapshotHolder(GatewaySnapshot.of(1, List.of(), List.of(), List.of(), List.of())), metrics,
                new OverloadMonitor(100, () -> true));
        EmbeddedChannel ch = new EmbeddedChannel(new RequestGuardHandler(pressed));
        FullHttpRequest api = post("/v1/chat/completions", "{}");

        ch.writeInbound(api);

        FullHttpResponse shed = ch.readOutbound();
        assertEquals(503, shed.status().code());
        assertEquals("1", shed.headers().get("retry-after"));
        JsonNode error = JSON.readTree(shed.content().toString(StandardCharsets.UTF_8)).get("error");
        assertEquals("gateway_overloaded", error.get("code").asText());
        assertEquals("The gateway is short of memory. Retry after 1 second.", error.get("message").asText());
        assertEquals(0, api.refCnt(), "the shed request is released");
        assertEquals(1, metrics.counter("brokle_errors_total{cause=\"overloaded\"}"));
        shed.release();

        FullHttpRequest health = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health");
        ch.writeInbound(health);
        assertSame(health, ch.readInbound(), "health is answered whatever the load");
        health.release();
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void beyondMaxInFlightARequestIsShedAndBelowItPassesOn() {
        OverloadMonitor limit = new OverloadMonitor(2, () -> false);

        assertNull(limit.refusal(2));
        assertEquals("The gateway is at its limit of 2 requests in flight.", limit.refusal(3));
    }

    @Test
    void aGoodRequestPassesOnStampedWithIdAndArrivalTime() {
        FullHttpRequest request = post("/v1/chat/completions", "{}");
        long before = System.nanoTime();

        channel.writeInbound(request);

        assertSame(request, channel.readInbound());
        assertEquals(1, request.refCnt());
        String id = channel.attr(GatewayState.REQUEST_ID).get();
        assertTrue(id.matches("req_[0-9a-f]{32}"), id);
        long receivedAt = channel.attr(GatewayState.RECEIVED_AT).get();
        assertTrue(receivedAt >= before && receivedAt <= System.nanoTime());
        assertEquals(1, metrics.activeRequests());
        assertNull(channel.readOutbound());
        request.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void eachRequestGetsItsOwnId() {
        FullHttpRequest first = post("/a", "{}");
        FullHttpRequest second = post("/b", "{}");

        channel.writeInbound(first);
        String firstId = channel.attr(GatewayState.REQUEST_ID).get();
        channel.writeInbound(second);

        assertFalse(firstId.equals(channel.attr(GatewayState.REQUEST_ID).get()));
        first.release();
        second.release();
        channel.readInbound();
        channel.readInbound();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void oversizedHeadersGet431InOpenAiFormatAndTheConnectionCloses() throws Exception {
        FullHttpRequest request = failed(new TooLongHttpHeaderException("HTTP header is larger than 8192 bytes."));

        channel.writeInbound(request);

        JsonNode error = refusal(431, request);
        assertEquals("The request headers are too large.", error.get("message").asText());
        assertFalse(channel.isOpen(), "the framing is lost, so the connection closes");
        assertEquals(1, metrics.counter("brokle_errors_total{cause=\"bad_request\"}"));
        assertEquals(1, metrics.counter("brokle_requests_total{endpoint=\"none\",model=\"none\",status=\"431\"}"));
        assertEquals(0, metrics.activeRequests());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anOversizedRequestLineGets414AndTheConnectionCloses() throws Exception {
        FullHttpRequest request = failed(new TooLongHttpLineException("An HTTP line is larger than 4096 bytes."));

        channel.writeInbound(request);

        assertEquals("The request line is too long.", refusal(414, request).get("message").asText());
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anyOtherDecoderFailureGets400AndTheConnectionCloses() throws Exception {
        FullHttpRequest request = failed(new IllegalArgumentException("invalid version format: HTTP/9"));

        channel.writeInbound(request);

        JsonNode error = refusal(400, request);
        assertEquals("The request is not valid HTTP.", error.get("message").asText());
        assertFalse(error.toString().contains("HTTP/9"), "the decoder's message is not echoed");
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aGzipBodyGets415AndTheConnectionStaysOpen() throws Exception {
        FullHttpRequest request = post("/v1/chat/completions", "\u001f\u008b compressed");
        request.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip");

        channel.writeInbound(request);

        JsonNode error = refusal(415, request);
        assertEquals("unsupported_content_encoding", error.get("code").asText());
        assertTrue(channel.isOpen(), "the body was read whole, so the framing is intact");
        assertEquals(0, metrics.activeRequests());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anyNonIdentityEncodingIsRefusedButIdentityPasses() throws Exception {
        for (String encoding : List.of("br", "deflate", "GZIP", "gzip, identity", "zstd")) {
            FullHttpRequest request = post("/v1/embeddings", "{}");
            request.headers().set(HttpHeaderNames.CONTENT_ENCODING, encoding);
            channel.writeInbound(request);
            refusal(415, request);
        }
        FullHttpRequest identity = post("/v1/embeddings", "{}");
        identity.headers().set(HttpHeaderNames.CONTENT_ENCODING, "Identity");

        channel.writeInbound(identity);

        assertSame(identity, channel.readInbound());
        identity.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void realOversizedHeadersFromTheHttpDecoderGet431OnTheWire() {
        EmbeddedChannel wire = new EmbeddedChannel(
                new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(256).setMaxHeaderSize(1024)),
                new BodyLimitAggregator(1024), new RequestGuardHandler(state));

        wire.writeInbound(Unpooled.copiedBuffer("GET /health HTTP/1.1\r\nHost: gw\r\nX-Big: " + "a".repeat(2000)
                + "\r\n\r\n", StandardCharsets.US_ASCII));

        String response = outboundText(wire);
        assertTrue(response.startsWith("HTTP/1.1 431 "), response);
        assertTrue(response.contains("\"type\":\"invalid_request_error\""), response);
        assertFalse(wire.isOpen());
        assertFalse(wire.finishAndReleaseAll());
    }

    @Test
    void aRealOversizedRequestLineFromTheHttpDecoderGets414OnTheWire() {
        EmbeddedChannel wire = new EmbeddedChannel(
                new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(256).setMaxHeaderSize(1024)),
                new BodyLimitAggregator(1024), new RequestGuardHandler(state));

        wire.writeInbound(Unpooled.copiedBuffer("GET /" + "p".repeat(500) + " HTTP/1.1\r\nHost: gw\r\n\r\n",
                StandardCharsets.US_ASCII));

        String response = outboundText(wire);
        assertTrue(response.startsWith("HTTP/1.1 414 "), response);
        assertFalse(wire.isOpen());
        assertFalse(wire.finishAndReleaseAll());
    }

    /** Checks the refusal that was written and returns its {@code error} object. */
    private JsonNode refusal(int status, FullHttpRequest request) throws Exception {
        FullHttpResponse response = channel.readOutbound();
        assertNotNull(response);
        try {
            assertEquals(status, response.status().code());
            assertEquals("application/json", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertEquals(channel.attr(GatewayState.REQUEST_ID).get(), response.headers().get("x-request-id"));
            assertEquals(0, request.refCnt(), "the refused request was released");
            assertNull(channel.readInbound(), "nothing passed on");
            JsonNode error = JSON.readTree(response.content().toString(StandardCharsets.UTF_8)).get("error");
            assertEquals("invalid_request_error", error.get("type").asText());
            return error;
        } finally {
            response.release();
        }
    }

    private static String outboundText(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }

    private static FullHttpRequest failed(Exception cause) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/bad-request",
                Unpooled.buffer(0));
        request.setDecoderResult(DecoderResult.failure(cause));
        return request;
    }

    private static FullHttpRequest post(String uri, String body) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }
}
