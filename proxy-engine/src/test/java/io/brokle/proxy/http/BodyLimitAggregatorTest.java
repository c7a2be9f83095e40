package io.brokle.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyLimitAggregatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIMIT = 16;

    private final EmbeddedChannel channel = new EmbeddedChannel(new BodyLimitAggregator(LIMIT));

    @Test
    void aBodyWithinTheLimitIsAggregated() {
        HttpRequest head = head(LIMIT);

        channel.writeInbound(head, content("0123456789"), last("abcdef"));

        FullHttpRequest full = channel.readInbound();
        assertEquals("0123456789abcdef", full.content().toString(StandardCharsets.UTF_8));
        full.release();
        assertTrue(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aContentLengthOverTheLimitGets413BeforeAnyBodyIsRead() throws Exception {
        channel.writeInbound(head(LIMIT + 1));

        FullHttpResponse response = channel.readOutbound();
        JsonNode error = errorOf(response, 413);
        assertEquals("request_too_large", error.get("code").asText());
        assertEquals("The request body is larger than the limit of 16 bytes.", error.get("message").asText());
        assertNull(channel.readInbound());
        assertFalse(channel.isOpen(), "the connection closes so the body is never read");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void expectContinueWithAnOversizedLengthGets413AndNo100Continue() {
        HttpRequest head = head(1_000_000);
        head.headers().set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);

        channel.writeInbound(head);

        HttpResponse response = channel.readOutbound();
        assertNotNull(response);
        assertEquals(413, response.status().code(), "never 100 Continue");
        ReferenceCountUtil.release(response);
        assertNull(channel.readOutbound(), "one answer only");
        assertNull(channel.readInbound());
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void expectContinueWithAnOversizedLengthGets413InOpenAiFormat() throws Exception {
        HttpRequest head = head(1_000_000);
        head.headers().set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);

        channel.writeInbound(head);

        FullHttpResponse response = channel.readOutbound();
        assertEquals("request_too_large", errorOf(response, 413).get("code").asText());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void onTheMessagesEndpointThe413IsInAnthropicsFormat() throws Exception {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/messages");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 1_000_000);
        head.headers().set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);

        channel.writeInbound(head);

        FullHttpResponse response = channel.readOutbound();
        try {
            assertEquals(413, response.status().code());
            JsonNode body = JSON.readTree(response.content().toString(StandardCharsets.UTF_8));
            assertEquals("error", body.get("type").asText());
            assertEquals("request_too_large", body.get("error").get("type").asText());
            assertEquals("close", response.headers().get(HttpHeaderNames.CONNECTION));
        } finally {
            response.release();
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void expectContinueWithinTheLimitGets100ContinueThenTheBodyIsAggregated() {
        HttpRequest head = head(4);
        head.headers().set(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE);

        channel.writeInbound(head);
        FullHttpResponse proceed = channel.readOutbound();
        assertEquals(100, proceed.status().code());
        proceed.release();
        channel.writeInbound(last("body"));

        FullHttpRequest full = channel.readInbound();
        assertEquals("body", full.content().toString(StandardCharsets.UTF_8));
        assertFalse(full.headers().contains(HttpHeaderNames.EXPECT), "the expectation was answered here");
        full.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aChunkedBodyThatOutgrowsTheLimitGets413AndTheConnectionCloses() throws Exception {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions");
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        HttpContent first = content("0123456789");
        HttpContent second = content("0123456789");

        channel.writeInbound(head, first);
        assertNull(channel.readOutbound(), "within the limit so far");
        channel.writeInbound(second);

        FullHttpResponse response = channel.readOutbound();
        assertEquals("request_too_large", errorOf(response, 413).get("code").asText());
        assertFalse(channel.isOpen());
        assertNull(channel.readInbound());
        assertEquals(0, first.refCnt(), "the part already aggregated was released");
        assertEquals(0, second.refCnt());
        assertFalse(channel.finishAndReleaseAll());
    }

    private static JsonNode errorOf(FullHttpResponse response, int status) throws Exception {
        assertNotNull(response);
        try {
            assertEquals(status, response.status().code());
            String body = response.content().toString(StandardCharsets.UTF_8);
            JsonNode error = JSON.readTree(body.isEmpty() ? "{}" : body).get("error");
            assertNotNull(error, "an OpenAI error document, got body \"" + body + "\"");
            assertEquals("invalid_request_error", error.get("type").asText());
            assertEquals("close", response.headers().get(HttpHeaderNames.CONNECTION));
            return error;
        } finally {
            response.release();
        }
    }

    private static HttpRequest head(int contentLength) {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions");
        head.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, contentLength);
        return head;
    }

    private static HttpContent content(String s) {
        return new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }

    private static HttpContent last(String s) {
        return new DefaultLastHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8));
    }
}
