package io.brokle.proxy.netty;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Time is the {@link EmbeddedChannel}'s: {@code advanceTimeBy} moves the event loop's ticker and
 * {@code runScheduledPendingTasks} runs whatever came due. Nothing sleeps.
 */
class SlowClientGuardTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final SlowClientGuard guard = new SlowClientGuard(READ_TIMEOUT, IDLE_TIMEOUT);
    private final EmbeddedChannel channel = new EmbeddedChannel(guard);

    @Test
    void aRequestNotCompleteWithinTheReadTimeoutIsClosed() {
        readBytes("POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\n");

        advance(Duration.ofSeconds(29));
        assertTrue(channel.isOpen(), "before the read timeout");

        advance(Duration.ofSeconds(2));
        assertFalse(channel.isOpen(), "the request did not arrive whole within the read timeout");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void trickledBytesDoNotExtendTheReadTimeout() {
        readBytes("P");
        for (int second = 5; second <= 25; second += 5) {
            advance(Duration.ofSeconds(5));
            readBytes("O");
            assertTrue(channel.isOpen(), "at " + second + "s");
        }

        advance(Duration.ofSeconds(6));
        assertFalse(channel.isOpen(), "timed from the first byte, not the last");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() {
        advance(Duration.ofSeconds(59));
        assertTrue(channel.isOpen(), "before the idle timeout");

        advance(Duration.ofSeconds(2));
        assertFalse(channel.isOpen(), "no request within the idle timeout");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aConnectionWithARequestInFlightIsNeverClosedHoweverLong() {
        readBytes("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
        guard.requestReceived();

        for (int minute = 0; minute < 120; minute += 10) {
            advance(Duration.ofMinutes(10));
            assertTrue(channel.isOpen(), "busy at minute " + (minute + 10));
        }
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void responseCompletedRestartsIdleTiming() {
        readBytes("GET /health HTTP/1.1\r\n\r\n");
        guard.requestReceived();
        advance(Duration.ofMinutes(10));

        guard.responseCompleted();
        advance(Duration.ofSeconds(59));
        assertTrue(channel.isOpen(), "idle timing starts when the response completes");

        advance(Duration.ofSeconds(2));
        assertFalse(channel.isOpen(), "idle for longer than the idle timeout after the response");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void theNextRequestOnAKeptAliveConnectionIsTimedByTheReadTimeoutAgain() {
        readBytes("GET /a HTTP/1.1\r\n\r\n");
        guard.requestReceived();
        guard.responseCompleted();
        advance(Duration.ofSeconds(50));

        readBytes("GET /b HTTP/1.1\r\n");
        advance(Duration.ofSeconds(29));
        assertTrue(channel.isOpen(), "the idle deadline no longer applies once a request starts");

        advance(Duration.ofSeconds(2));
        assertFalse(channel.isOpen());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void everyMessagePassesOnUnchanged() {
        ByteBuf bytes = Unpooled.copiedBuffer("GET / HTTP/1.1\r\n", StandardCharsets.US_ASCII);

        channel.writeInbound(bytes);

        assertSame(bytes, channel.readInbound());
        bytes.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void withThePipeliningGuardAnAnswerInFlightIsNotTimedAndItsCompletionStartsIdleTiming() {
        EmbeddedChannel ch = new EmbeddedChannel();
        SlowClientGuard slow = new SlowClientGuard(READ_TIMEOUT, IDLE_TIMEOUT);
        ch.pipeline().addLast(slow, new PipeliningGuard(slow));

        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/slow");
        ch.writeInbound(request);
        assertSame(request, ch.readInbound());
        request.release();
        advance(ch, Duration.ofMinutes(30));
        assertTrue(ch.isOpen(), "the answer may take as long as it needs");

        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ReferenceCountUtil.release(ch.readOutbound());
        advance(ch, Duration.ofSeconds(59));
        assertTrue(ch.isOpen());

        advance(ch, Duration.ofSeconds(2));
        assertFalse(ch.isOpen(), "idle after the answer completed");
        assertFalse(ch.finishAndReleaseAll());
    }

    private void readBytes(String s) {
        channel.writeInbound(Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII));
        ReferenceCountUtil.release(channel.readInbound());
    }

    private void advance(Duration d) {
        advance(channel, d);
    }

    private static void advance(EmbeddedChannel ch, Duration d) {
        ch.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        ch.runScheduledPendingTasks();
    }
}
