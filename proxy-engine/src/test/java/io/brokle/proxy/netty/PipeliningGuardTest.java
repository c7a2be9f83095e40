package io.brokle.proxy.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipeliningGuardTest {
    private static final String APP = "app";

    @Test
    void aSecondRequestWaitsUntilTheFirstResponsesLastContentIsWritten() {
        EmbeddedChannel channel = new EmbeddedChannel(new PipeliningGuard(null));
        FullHttpRequest first = request("/first");
        FullHttpRequest second = request("/second");

        channel.writeInbound(first);
        channel.writeInbound(second);
        assertSame(first, channel.readInbound());
        assertNull(channel.readInbound(), "the second request waits while the first is answered");

        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        channel.writeOutbound(new DefaultHttpContent(text("partial")));
        channel.runPendingTasks();
        assertNull(channel.readInbound(), "still waiting: the answer is not complete");

        channel.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.runPendingTasks();
        assertSame(second, channel.readInbound(), "dispatched once the first answer's last part was written");

        first.release();
        second.release();
        releaseOutbound(channel, 3);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aFullResponseCountsAsTheLastPart() {
        EmbeddedChannel channel = new EmbeddedChannel(new PipeliningGuard(null));
        FullHttpRequest first = request("/a");
        FullHttpRequest second = request("/b");
        FullHttpRequest third = request("/c");

        channel.writeInbound(first, second, third);
        assertSame(first, channel.readInbound());

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, text("a")));
        channel.runPendingTasks();
        assertSame(second, channel.readInbound());
        assertNull(channel.readInbound(), "one request at a time");

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, text("b")));
        channel.runPendingTasks();
        assertSame(third, channel.readInbound());

        first.release();
        second.release();
        third.release();
        releaseOutbound(channel, 2);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void theNextRequestIsDispatchedAfterTheWriteReturnsSoAnswersNeverInterleave() {
        List<String> order = new ArrayList<>();
        EmbeddedChannel channel = new EmbeddedChannel(new PipeliningGuard(null));
        channel.pipeline().addLast(APP, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                order.add("dispatched " + ((FullHttpRequest) msg).uri());
                ReferenceCountUtil.release(msg);
            }
        });
        channel.writeInbound(request("/one"), request("/two"));

        // Written without a flush: EmbeddedChannel runs pending tasks after every flush, which would hide
        // when the dispatch happens.
        channel.pipeline().context(APP).write(
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, text("1")));
        order.add("write returned");
        channel.runPendingTasks();
        channel.flushOutbound();

        assertEquals(List.of("dispatched /one", "write returned", "dispatched /two"), order);
        releaseOutbound(channel, 1);
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void messagesOtherThanWholeRequestsPassStraightThrough() {
        EmbeddedChannel channel = new EmbeddedChannel(new PipeliningGuard(null));
        FullHttpRequest first = request("/first");
        ByteBuf raw = text("not a request");

        channel.writeInbound(first, raw);

        assertSame(first, channel.readInbound());
        assertSame(raw, channel.readInbound(), "passes even while a request is in flight");
        first.release();
        raw.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void moreThanMaxQueuedWaitingRequestsCloseTheConnectionAndReleaseThem() {
        EmbeddedChannel channel = new EmbeddedChannel(new PipeliningGuard(null));
        FullHttpRequest inFlight = request("/in-flight");
        List<FullHttpRequest> waiting = new ArrayList<>();
        channel.writeInbound(inFlight);
        for (int i = 0; i < PipeliningGuard.MAX_QUEUED; i++) {
            FullHttpRequest r = request("/queued-" + i);
            waiting.add(r);
            channel.writeInbound(r);
        }
        assertTrue(channel.isOpen(), "exactly MAX_QUEUED waiting requests are allowed");

        FullHttpRequest oneTooMany = request("/one-too-many");
        channel.writeInbound(oneTooMany);

        assertFalse(channel.isOpen());
        assertEquals(0, oneTooMany.refCnt());
        for (FullHttpRequest r : waiting) {
            assertEquals(0, r.refCnt(), r.uri() + " was released when the connection closed");
        }
        assertSame(inFlight, channel.readInbound());
        assertNull(channel.readInbound());
        inFlight.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void queuedRequestsAreReleasedWhenTheConnectionCloses() {
        EmbeddedChannel channel = new EmbeddedChannel(new PipeliningGuard(null));
        FullHttpRequest first = request("/first");
        FullHttpRequest second = request("/second");
        FullHttpRequest third = request("/third");
        channel.writeInbound(first, second, third);

        channel.close();

        assertEquals(0, second.refCnt());
        assertEquals(0, third.refCnt());
        assertSame(first, channel.readInbound());
        first.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aRequestQueuedWhenTheAnswerCompletesButTheConnectionClosesBeforeDispatchIsReleased() {
        EmbeddedChannel channel = new EmbeddedChannel(new PipeliningGuard(null));
        channel.pipeline().addLast(APP, new ChannelInboundHandlerAdapter());
        FullHttpRequest first = request("/first");
        FullHttpRequest second = request("/second");
        channel.writeInbound(first, second);
        assertSame(first, channel.readInbound());

        // The answer's last write queues the dispatch; the transport closes before that task runs.
        // (Written without a flush: EmbeddedChannel runs pending tasks after every flush.)
        FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, text("x"));
        channel.pipeline().context(APP).write(answer);
        channel.unsafe().close(channel.voidPromise());
        channel.runPendingTasks();

        assertEquals(0, second.refCnt());
        assertNull(channel.readInbound(), "nothing is dispatched on a closed connection");
        assertEquals(0, answer.refCnt(), "the unflushed answer was failed and released by the close");
        first.release();
        releaseOutbound(channel, 0);
        assertFalse(channel.finishAndReleaseAll());
    }

    private static void releaseOutbound(EmbeddedChannel channel, int expected) {
        int n = 0;
        Object o;
        while ((o = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
            n++;
        }
        assertEquals(expected, n, "messages written");
    }

    private static FullHttpRequest request(String uri) {
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri, text("{}"));
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
