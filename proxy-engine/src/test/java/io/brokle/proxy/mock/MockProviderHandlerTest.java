package io.brokle.proxy.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.MockOptions;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MockProviderHandlerTest {
    private static final String STREAMED = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}";
    private static final MockOptions TWO_CHUNKS_10MS_APART = new MockOptions(Duration.ZERO, Duration.ofMillis(10), 2, 4, 8);

    @Test
    void answersARequestAndReleasesIt() {
        EmbeddedChannel channel = channel(MockOptions.DEFAULTS);
        FullHttpRequest request = post("/v1/models", "");
        request.setMethod(HttpMethod.GET);

        channel.writeInbound(request);

        assertEquals(0, request.refCnt(), "the handler consumes the request");
        HttpResponse head = channel.readOutbound();
        assertEquals(200, head.status().code());
        assertTrue(release(channel.readOutbound()) instanceof LastHttpContent);
        assertNull(channel.readOutbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void streamsOnePartPerChunkDelay() {
        EmbeddedChannel channel = channel(TWO_CHUNKS_10MS_APART);

        channel.writeInbound(post("/v1/chat/completions", STREAMED));

        assertInstanceOf(HttpResponse.class, channel.readOutbound());
        assertTrue(text(channel.readOutbound()).contains("\"role\":\"assistant\""), "role chunk with the head");
        assertNull(channel.readOutbound(), "nothing before the delay");
        channel.advanceTimeBy(10, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(text(channel.readOutbound()).contains("\"delta\":{\"content\""));
        assertNull(channel.readOutbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aPipelinedRequestIsAnsweredAfterTheOneBefore() {
        EmbeddedChannel channel = channel(TWO_CHUNKS_10MS_APART);

        channel.writeInbound(post("/v1/chat/completions", STREAMED), post("/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}"));

        int responses = 0;
        boolean firstEnded = false;
        for (int step = 0; step < 10 && responses < 2; step++) {
            Object out;
            while ((out = channel.readOutbound()) != null) {
                if (out instanceof HttpResponse) {
                    responses++;
                    assertTrue(responses == 1 || firstEnded, "second head only after the first answer ended");
                }
                if (out instanceof LastHttpContent && responses == 1) {
                    firstEnded = true;
                }
                release(out);
            }
            channel.advanceTimeBy(10, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        assertEquals(2, responses);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aClosedConnectionStopsTheStream() {
        EmbeddedChannel channel = channel(TWO_CHUNKS_10MS_APART);
        channel.writeInbound(post("/v1/chat/completions", STREAMED));
        release(channel.readOutbound());
        release(channel.readOutbound());

        channel.close();
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertNull(channel.readOutbound());
        assertFalse(channel.hasPendingTasks());
        assertFalse(channel.finishAndReleaseAll());
    }

    private static EmbeddedChannel channel(MockOptions options) {
        EmbeddedChannel channel = new EmbeddedChannel(
                new MockProviderHandler(new MockEndpoints(new MockCompletions(options)), options));
        channel.freezeTime();
        return channel;
    }

    private static FullHttpRequest post(String uri, String json) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(json, StandardCharsets.UTF_8));
    }

    private static String text(HttpContent content) {
        try {
            return content.content().toString(StandardCharsets.UTF_8);
        } finally {
            content.release();
        }
    }

    private static Object release(Object message) {
        ReferenceCountUtil.release(message);
        return message;
    }
}
