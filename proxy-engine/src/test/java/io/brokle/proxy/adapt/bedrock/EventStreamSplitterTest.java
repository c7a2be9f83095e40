package io.brokle.proxy.adapt.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.proxy.adapt.StreamFramer.MalformedStreamException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whole event-stream messages out of arbitrarily cut chunks, checked, with nothing leaked. */
class EventStreamSplitterTest {
    private final EventStreamSplitter splitter = new EventStreamSplitter(EventStreamSplitter.DEFAULT_MAX_FRAME_BYTES);
    private final List<ByteBuf> given = new ArrayList<>();
    private final List<EventStreamMessage> out = new ArrayList<>();

    @AfterEach
    void everyBufferIsReleased() {
        splitter.close();
        for (ByteBuf buf : given) {
            assertEquals(0, buf.refCnt(), "a chunk given to the splitter was not released");
        }
    }

    private ByteBuf chunk(byte[] bytes, int from, int to) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.buffer(to - from).writeBytes(bytes, from, to - from);
        given.add(buf);
        return buf;
    }

    private void feed(byte[] bytes, int from, int to) {
        splitter.split(chunk(bytes, from, to), frame -> out.add(EventStreamMessage.decode(frame)));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void messagesInOneChunkComeOutWholeWithTheirHeadersAndPayloads() {
        byte[] stream = concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
                EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"));

        feed(stream, 0, stream.length);

        assertEquals(2, out.size());
        assertEquals("event", out.get(0).messageType());
        assertEquals("messageStart", out.get(0).eventType());
        assertEquals("{\"role\":\"assistant\"}", out.get(0).payload());
        assertEquals("contentBlockDelta", out.get(1).eventType());
        assertEquals(0, splitter.pendingBytes());
    }

    @Test
    void messagesCutAtEveryByteAreReassembled() {
        byte[] stream = concat(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"),
                EventStreamFrames.exception("throttlingException", "Too many requests"),
                EventStreamFrames.event("metadata", "{\"usage\":{\"inputTokens\":3}}"));
        for (int cut = 1; cut < stream.length; cut++) {
            out.clear();
            feed(stream, 0, cut);
            feed(stream, cut, stream.length);
            assertEquals(List.of("messageStart", "metadata"), List.of(out.get(0).eventType(), out.get(2).eventType()),
                    "cut at " + cut);
            assertEquals("throttlingException", out.get(1).exceptionType());
            assertEquals(0, splitter.pendingBytes());
        }
    }

    @Test
    void oneByteAtATime() {
        byte[] stream = EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":0}");
        for (int i = 0; i < stream.length; i++) {
            feed(stream, i, i + 1);
        }
        assertEquals(1, out.size());
        assertEquals("{\"contentBlockIndex\":0}", out.getFirst().payload());
    }

    @Test
    void aBadMessageChecksumEndsTheStream() {
        byte[] frame = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
        frame[frame.length - 6] ^= 0x01;

        MalformedStreamException e = assertThrows(MalformedStreamException.class, () -> feed(frame, 0, frame.length));
        assertTrue(e.getMessage().contains("bad message checksum"), e.getMessage());
        assertEquals(0, splitter.pendingBytes());
    }

    @Test
    void aBadPreludeChecksumIsCaughtBeforeTheMessageIsIn() {
        byte[] frame = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
        frame[3] ^= 0x01;

        MalformedStreamException e = assertThrows(MalformedStreamException.class, () -> feed(frame, 0, 12));
        assertTrue(e.getMessage().contains("bad prelude checksum"), e.getMessage());
    }

    @Test
    void aFrameOverTheLimitIsRefusedFromItsPrelude() {
        EventStreamSplitter small = new EventStreamSplitter(64);
        byte[] frame = EventStreamFrames.event("contentBlockDelta", "{\"delta\":{\"text\":\"" + "x".repeat(100) + "\"}}");
        ByteBuf prelude = chunk(frame, 0, 12);

        MalformedStreamException e = assertThrows(MalformedStreamException.class,
                () -> small.split(prelude, f -> out.add(EventStreamMessage.decode(f))));
        assertTrue(e.getMessage().contains("more than the limit of 64"), e.getMessage());
        assertEquals(0, small.pendingBytes());
    }

    @Test
    void closeReleasesAPartialMessage() {
        byte[] frame = EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}");
        feed(frame, 0, 20);
        assertEquals(20, splitter.pendingBytes());

        splitter.close();

        assertEquals(0, splitter.pendingBytes());
        assertTrue(out.isEmpty());
    }
}
