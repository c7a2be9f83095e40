package io.brokle.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.config.GatewaySnapshot;
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
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalEndpointsHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final SnapshotHolder holder =
            new SnapshotHolder(GatewaySnapshot.of(3, List.of(), List.of(), List.of(), List.of()));
    private final GatewayState state = new GatewayState(holder, metrics);
    private final EmbeddedChannel channel = new EmbeddedChannel(new LocalEndpointsHandler(state));

    @Test
    void healthIs200WithTheConfigVersion() throws Exception {
        FullHttpRequest request = get("/health");

        channel.writeInbound(request);

        FullHttpResponse response = channel.readOutbound();
        assertEquals(200, response.status().code());
        assertEquals("application/json", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
        assertEquals(response.content().readableBytes(), response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH));
        JsonNode body = JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
        assertEquals("ok", body.get("status").asText());
        assertEquals(3, body.get("configVersion").asLong());
        assertEquals(0, body.get("activeRequests").asLong());
        assertEquals(0, request.refCnt());
        assertTrue(channel.isOpen());
        response.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void healthReportsTheVersionBeingServedAfterAReload() throws Exception {
        holder.apply(GatewaySnapshot.of(0, List.of(), List.of(), List.of(), List.of()));

        channel.writeInbound(get("/health?probe=lb"));

        FullHttpResponse response = channel.readOutbound();
        assertEquals(4, JSON.readTree(response.content().toString(StandardCharsets.UTF_8)).get("configVersion")
                .asLong());
        response.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void healthIs503WhileDrainingAndTheConnectionCloses() throws Exception {
        state.startDraining();

        channel.writeInbound(get("/health"));

        FullHttpResponse response = channel.readOutbound();
        assertEquals(503, response.status().code());
        assertEquals("draining", JSON.readTree(response.content().toString(StandardCharsets.UTF_8))
                .get("status").asText());
        assertEquals("close", response.headers().get(HttpHeaderNames.CONNECTION));
        assertFalse(channel.isOpen());
        response.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void metricsAreServedAsPrometheusText() {
        metrics.configApplied(3);

        channel.writeInbound(get("/metrics"));

        FullHttpResponse response = channel.readOutbound();
        assertEquals(200, response.status().code());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().get(HttpHeaderNames.CONTENT_TYPE));
        String text = response.content().toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("# TYPE brokle_config_version gauge\nbrokle_config_version 3\n"), text);
        response.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aLocalAnswerIsCountedAndCarriesTheRequestId() {
        channel.attr(GatewayState.REQUEST_ID).set("req_test");
        channel.attr(GatewayState.RECEIVED_AT).set(System.nanoTime());
        metrics.requestStarted();

        channel.writeInbound(get("/health"));

        FullHttpResponse response = channel.readOutbound();
        assertEquals("req_test", response.headers().get("x-request-id"));
        assertEquals(1, metrics.counter("brokle_requests_total{endpoint=\"health\",model=\"none\",status=\"200\"}"));
        assertEquals(0, metrics.activeRequests());
        response.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void otherRequestsPassThroughUntouched() {
        for (FullHttpRequest request : List.of(
                post("/v1/chat/completions"), get("/v1/models"), post("/health"), post("/metrics"),
                new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/health"),
                get("/health/extra"), get("/healthz"), get("/"))) {
            channel.writeInbound(request);

            assertSame(request, channel.readInbound(), request.method() + " " + request.uri());
            assertEquals(1, request.refCnt());
            assertNull(channel.readOutbound(), "no answer for " + request.uri());
            request.release();
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    private static FullHttpRequest get(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    private static FullHttpRequest post(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer("{\"model\":\"m\"}", StandardCharsets.UTF_8));
    }
}
