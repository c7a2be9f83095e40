package io.brokle.proxy.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SseFrameSplitterTest {
    private static final List<String> LF_EVENTS = List.of(
            "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n",
            ": keep-alive comment\n\n",
            "event: message\nid: 7\ndata: {\"choices\":[{\"delta\":{\"content\":\"lo\\n\\nthere\"}}]}\n\n",
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3}}\n\n",
            "data: [DONE]\n\n");
    private static final List<String> CRLF_EVENTS = List.of(
            "data: {\"a\":1}\r\n\r\n",
            "event: ping\r\ndata: {}\r\n\r\n",
            "data: [DONE]\r\n\r\n");

    private final List<ByteBuf> chunks = new ArrayList<>();

    @AfterEach
    void everyChunkIsReleased() {
        for (ByteBuf c : chunks) {
            assertEquals(0, c.refCnt(), "a chunk given to the splitter was not released");
        }
    }

    @Test
    void eventsSplitAtEveryBytePositionComeOutWholeAndInOrder() {
        for (List<String> events : List.of(LF_EVENTS, CRLF_EVENTS)) {
            String stream = String.join("", events);
            for (int cut = 0; cut <= stream.length(); cut++) {
                List<String> seen = new ArrayList<>();
                String out = run(List.of(stream.substring(0, cut), stream.substring(cut)), e -> {
                    seen.add(e);
                    return true;
                });
                assertEquals(stream, out, "cut at " + cut);
                assertEquals(events, seen, "cut at " + cut);
            }
        }
    }

    @Test
    void eventsSplitAtEveryPairOfPositionsComeOutWhole() {
        List<String> events = List.of("data: 1\n\n", "event: e\r\ndata: {}\r\n\r\n", ": c\n\n");
        String stream = String.join("", events);
        for (int a = 0; a <= stream.length(); a++) {
            for (int b = a; b <= stream.length(); b++) {
                List<String> seen = new ArrayList<>();
                String out = run(List.of(stream.substring(0, a), stream.substring(a, b), stream.substring(b)), e -> {
                    seen.add(e);
                    return true;
                });
                assertEquals(stream, out, "cuts at " + a + ", " + b);
                assertEquals(events, seen, "cuts at " + a + ", " + b);
            }
        }
    }

    @Test
    void droppedEventsAreRemovedExactlyWhereverTheChunksAreCut() {
        String stream = String.join("", LF_EVENTS);
        String withoutUsageAndComment = LF_EVENTS.get(0) + LF_EVENTS.get(2) + LF_EVENTS.get(4);
        for (int cut = 0; cut <= stream.length(); cut++) {
            String out = run(List.of(stream.substring(0, cut), stream.substring(cut)),
                    e -> !e.contains("usage") && !e.startsWith(":"));
            assertEquals(withoutUsageAndComment, out, "cut at " + cut);
        }
    }

    @Test
    void droppingEveryEventLeavesNothing() {
        String stream = String.join("", LF_EVENTS);
        for (int cut = 0; cut <= stream.length(); cut++) {
            assertEquals("", run(List.of(stream.substring(0, cut), stream.substring(cut)), e -> false), "cut at " + cut);
        }
    }

    @Test
    void droppingOnlyTheFirstOrOnlyTheLastEventOfAChunk() {
        String stream = "data: 1\n\ndata: 2\n\ndata: 3\n\n";
        assertEquals("data: 2\n\ndata: 3\n\n", run(List.of(stream), e -> !e.equals("data: 1\n\n")));
        assertEquals("data: 1\n\ndata: 2\n\n", run(List.of(stream), e -> !e.equals("data: 3\n\n")));
        assertEquals("data: 1\n\ndata: 3\n\n", run(List.of(stream), e -> !e.equals("data: 2\n\n")));
    }

    @Test
    void aChunkWithNoWholeEventGivesAnEmptyBufferAndKeepsThePartialEvent() {
        SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES);
        ByteBuf chunk = chunk("data: {\"partial\":");

        ByteBuf out = splitter.split(chunk, e -> fail("no whole event yet"));

        assertFalse(out.isReadable());
        assertEquals(17, splitter.pendingBytes());
        assertEquals(0, chunk.refCnt(), "the partial event is kept as its own copy; the chunk is released at once");
        out.release();
        splitter.close();
        assertEquals(0, splitter.pendingBytes());
    }

    @Test
    void closeReleasesThePendingPartialEvent() {
        SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES);
        ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer();
        chunk.writeCharSequence("data: one\n\ndata: tw", StandardCharsets.UTF_8);
        chunks.add(chunk);

        ByteBuf out = splitter.split(chunk, e -> true);

        assertEquals("data: one\n\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(8, splitter.pendingBytes());
        out.release();
        assertEquals(0, chunk.refCnt(), "the partial event is kept as its own copy; the chunk is released at once");
        splitter.close();
        splitter.close();
        // everyChunkIsReleased checks the chunk is now free
    }

    @Test
    void aWholeEventComingOutIsAViewOfTheChunkNotACopy() {
        SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES);
        ByteBuf chunk = chunk("data: x\n\n");

        ByteBuf out = splitter.split(chunk, e -> true);

        assertEquals(1, chunk.refCnt(), "the output holds the chunk");
        chunk.setByte(6, 'y');
        assertEquals("data: y\n\n", out.toString(StandardCharsets.UTF_8));
        out.release();
        splitter.close();
    }

    @Test
    void aPartialEventOverTheLimitEndsTheStreamAndReleasesTheChunk() {
        SseFrameSplitter splitter = new SseFrameSplitter(16);
        ByteBuf kept = splitter.split(chunk("data: ok\n\n"), e -> true);
        kept.release();

        assertEquals(0, splitter.split(chunk("data: 1234567890"), e -> true).readableBytes(),
                "exactly at the limit is allowed");
        assertThrows(SseFrameSplitter.EventTooLargeException.class, () -> splitter.split(chunk("1"), e -> true));
        splitter.close();
    }

    @Test
    void anEventGrowingOverTheLimitAcrossChunksIsRefusedAndEarlierEventsStillCameOut() {
        SseFrameSplitter splitter = new SseFrameSplitter(16);
        List<String> seen = new ArrayList<>();

        ByteBuf first = splitter.split(chunk("data: a\n\ndata: 0123"), e -> seen.add(string(e)));
        SseFrameSplitter.EventTooLargeException e = assertThrows(SseFrameSplitter.EventTooLargeException.class,
                () -> splitter.split(chunk("456789012345"), ev -> seen.add(string(ev))));

        assertEquals("data: a\n\n", first.toString(StandardCharsets.UTF_8));
        assertEquals(List.of("data: a\n\n"), seen);
        assertEquals("the upstream sent a server-sent event larger than 16 bytes", e.getMessage());
        assertEquals(0, splitter.pendingBytes());
        first.release();
        splitter.close();
    }

    @Test
    void refusingAnOversizedEventAlsoReleasesEventsAlreadyCutFromTheSameChunk() {
        SseFrameSplitter splitter = new SseFrameSplitter(8);

        assertThrows(SseFrameSplitter.EventTooLargeException.class,
                () -> splitter.split(chunk("data: 1\n\ndata: 2\n\ndata: 345678"), e -> !string(e).contains("2")));

        splitter.close();
        // everyChunkIsReleased: the composite of kept events was released too
    }

    @Test
    void theFilterSeesEachEventAsAViewWithItsOwnIndexes() {
        SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES);
        List<Integer> readerIndexes = new ArrayList<>();

        ByteBuf out = splitter.split(chunk("data: a\n\ndata: bb\n\n"), e -> {
            readerIndexes.add(e.readerIndex());
            return true;
        });

        assertEquals(List.of(0, 0), readerIndexes);
        out.release();
        splitter.close();
    }

    @Test
    void anEmptyChunkChangesNothing() {
        SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES);
        ByteBuf partial = splitter.split(chunk("data: x"), e -> true);
        ByteBuf empty = splitter.split(chunk(""), e -> true);
        ByteBuf rest = splitter.split(chunk("\n\n"), e -> true);

        assertSame(Unpooled.EMPTY_BUFFER, partial);
        assertFalse(empty.isReadable());
        assertEquals("data: x\n\n", rest.toString(StandardCharsets.UTF_8));
        rest.release();
        splitter.close();
    }

    /**
     * A large event that arrives in many small reads (a slow link, or an upstream trickling bytes)
     * must still come out whole. The splitter runs on a thread with a small, fixed stack so that the
     * outcome does not depend on JIT frame sizes: the stack a split needs must not grow with the
     * number of chunks an event arrived in. The chunks come from an allocator without leak
     * tracking, since a StackOverflowError in the middle of a release necessarily strands buffers
     * and would otherwise be reported against whichever test class runs next; their counts are
     * checked here instead.
     */
    @Test
    void anEventTrickledOneByteAtATimeArrivesWhole() throws InterruptedException {
        ByteBufAllocator untracked = new UnpooledByteBufAllocator(false, true);
        String event = "data: " + "x".repeat(4096) + "\n\n";
        List<ByteBuf> pieces = new ArrayList<>();
        StringBuilder out = new StringBuilder();
        int[] fed = {0};
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread splitting = new Thread(null, () -> {
            try (SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES)) {
                for (; fed[0] < event.length(); fed[0]++) {
                    ByteBuf piece = untracked.heapBuffer(1).writeByte(event.charAt(fed[0]));
                    pieces.add(piece);
                    ByteBuf kept = splitter.split(piece, e -> true);
                    out.append(kept.toString(StandardCharsets.US_ASCII));
                    kept.release();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "trickle", 256 * 1024);
        splitting.start();
        splitting.join();

        if (failure.get() instanceof StackOverflowError) {
            fail("StackOverflowError at chunk " + fed[0] + " of " + event.length() + ": each split wraps the"
                    + " pending partial event in one more CompositeByteBuf, so scanning or releasing it"
                    + " recurses once per chunk it arrived in");
        }
        assertNull(failure.get());
        assertEquals(event, out.toString());
        assertTrue(pieces.stream().allMatch(p -> p.refCnt() == 0), "every piece was released");
    }

    /** Feeds {@code parts} through one splitter and returns everything it kept. */
    private String run(List<String> parts, Predicate<String> keep) {
        StringBuilder out = new StringBuilder();
        try (SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES)) {
            for (String part : parts) {
                // Wrapped rather than allocated: these loops make thousands of chunks, and
                // everyChunkIsReleased checks each one's count exactly.
                ByteBuf chunk = Unpooled.wrappedBuffer(part.getBytes(StandardCharsets.UTF_8));
                if (chunk != Unpooled.EMPTY_BUFFER) {
                    chunks.add(chunk);
                }
                ByteBuf kept = splitter.split(chunk, e -> keep.test(string(e)));
                out.append(kept.toString(StandardCharsets.UTF_8));
                kept.release();
            }
            assertEquals(0, splitter.pendingBytes(), "every event was complete");
        }
        return out.toString();
    }

    private ByteBuf chunk(String s) {
        ByteBuf c = PooledByteBufAllocator.DEFAULT.heapBuffer();
        c.writeCharSequence(s, StandardCharsets.UTF_8);
        chunks.add(c);
        return c;
    }

    private static String string(ByteBuf event) {
        return event.toString(StandardCharsets.UTF_8);
    }
}
