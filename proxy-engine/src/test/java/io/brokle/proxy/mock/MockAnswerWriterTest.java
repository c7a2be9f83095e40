package io.brokle.proxy.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.MockOptions;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MockAnswerWriterTest {
    private static final MockOptions THREE_CHUNKS = new MockOptions(Duration.ZERO, Duration.ZERO, 3, 4, 8);
    private static final MockEndpoints ENDPOINTS = new MockEndpoints(new MockCompletions(THREE_CHUNKS));

    @Test
    void anUnwritableChannelGetsTheNextPartOnlyOnceThePreviousWasWritten() {
        HeldWrites held = new HeldWrites();
        EmbeddedChannel channel = new EmbeddedChannel(held);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        boolean[] stopped = {false};

        new MockAnswerWriter(channel, streamedChat(), Duration.ZERO, Duration.ZERO, MockAnswerWriter.ALL_PARTS,
                () -> stopped[0] = true).start();

        assertEquals(2, held.messages.size(), "head and role chunk, then a wait");
        assertInstanceOf(HttpResponse.class, held.messages.get(0));
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        held.completeAll();
        // role, 3 content, finish, [DONE]
        assertEquals(1 + 6, held.messages.size());
        assertInstanceOf(LastHttpContent.class, held.messages.getLast());
        assertFalse(stopped[0], "not stopped before the last write completed");
        held.completeAll();
        assertTrue(stopped[0]);
        held.releaseAll();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void aPartLimitStopsTheAnswerEarly() {
        EmbeddedChannel channel = new EmbeddedChannel();
        MockAnswer answer = streamedChat();
        boolean[] stopped = {false};

        new MockAnswerWriter(channel, answer, Duration.ZERO, Duration.ZERO, answer.partsForContentChunks(2),
                () -> stopped[0] = true).start();

        assertInstanceOf(HttpResponse.class, channel.readOutbound());
        for (int part = 0; part < 1 + 2; part++) {
            ReferenceCountUtil.release(channel.readOutbound());
        }
        assertNull(channel.readOutbound());
        assertTrue(stopped[0]);
        assertTrue(answer.hasNextPart(), "the rest of the answer was never made");
        assertFalse(channel.finishAndReleaseAll());
    }

    private static MockAnswer streamedChat() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions",
                Unpooled.copiedBuffer("{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}",
                        StandardCharsets.UTF_8));
        try {
            return ENDPOINTS.answer(request);
        } finally {
            request.release();
        }
    }

    /** Keeps every write pending until {@link #completeAll}: a socket that takes nothing. */
    private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        final List<ChannelPromise> pending = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            messages.add(msg);
            pending.add(promise);
        }

        void completeAll() {
            List<ChannelPromise> completing = new ArrayList<>(pending);
            pending.clear();
            completing.forEach(ChannelPromise::setSuccess);
        }

        void releaseAll() {
            messages.forEach(ReferenceCountUtil::release);
        }
    }
}
