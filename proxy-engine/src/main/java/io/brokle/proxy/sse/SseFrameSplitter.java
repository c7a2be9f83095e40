package io.brokle.proxy.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ByteProcessor;

/**
 * Cuts a server-sent-event byte stream into whole events (each ends with an empty line), so
 * that every event can be inspected and then relayed, or dropped, as a unit. A partial event
 * at the end of a chunk waits for the next chunk. No bytes are copied: kept events leave as
 * retained slices of the chunks they arrived in. One instance serves one response, on one
 * thread.
 *
 * <p>Ownership: {@link #split} takes the chunk it is given; the returned buffer belongs to the
 * caller. {@link #close} releases a pending partial event.
 */
public final class SseFrameSplitter implements AutoCloseable {
    /** Decides, for each whole event, whether it is relayed. The view is valid only during the call. */
    public interface EventFilter {
        boolean keep(ByteBuf event);
    }

    /** An event larger than this ends the stream with an error instead of growing memory. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

    private final int maxEventBytes;
    private ByteBuf pending;

    public SseFrameSplitter(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /**
     * @param chunk  the next bytes of the stream; ownership passes to this method
     * @param filter called for every whole event found, in order
     * @return the bytes of the kept events, possibly empty; owned by the caller
     * @throws EventTooLargeException when a single event outgrows the limit (the chunk is released)
     */
    public ByteBuf split(ByteBuf chunk, EventFilter filter) {
        ByteBuf input;
        if (pending == null) {
            input = chunk;
        } else {
            CompositeByteBuf joined = chunk.alloc().compositeBuffer(2);
            joined.addComponents(true, pending, chunk);
            pending = null;
            input = joined;
        }
        try {
            return cut(input, filter);
        } finally {
            input.release();
        }
    }

    private ByteBuf cut(ByteBuf input, EventFilter filter) {
        int start = input.readerIndex();
        int end = input.writerIndex();
        CompositeByteBuf kept = null;
        int keptRunStart = start;
        int eventStart = start;
        boolean allKept = true;
        EventEndFinder finder = new EventEndFinder();
        int i = start;
        while (i < end) {
            int found = input.forEachByte(i, end - i, finder);
            if (found < 0) {
                break;
            }
            int eventEnd = found + 1;
            ByteBuf event = input.slice(eventStart, eventEnd - eventStart);
            if (!filter.keep(event)) {
                if (allKept) {
                    kept = input.alloc().compositeBuffer();
                    allKept = false;
                }
                if (eventStart > keptRunStart) {
                    kept.addComponent(true, input.retainedSlice(keptRunStart, eventStart - keptRunStart));
                }
                keptRunStart = eventEnd;
            }
            eventStart = eventEnd;
            finder.reset();
            i = eventEnd;
        }
        if (eventStart < end) {
            if (end - eventStart > maxEventBytes) {
                if (kept != null) {
                    kept.release();
                }
                throw new EventTooLargeException(maxEventBytes);
            }
            pending = input.retainedSlice(eventStart, end - eventStart);
        }
        if (allKept) {
            return eventStart == start ? Unpooled.EMPTY_BUFFER : input.retainedSlice(start, eventStart - start);
        }
        if (eventStart > keptRunStart) {
            kept.addComponent(true, input.retainedSlice(keptRunStart, eventStart - keptRunStart));
        }
        return kept;
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }

    /** Bytes of an event still waiting for its end. */
    public int pendingBytes() {
        return pending == null ? 0 : pending.readableBytes();
    }

    /** Finds the LF that ends an event: the second of two line ends in a row (CR ignored). */
    private static final class EventEndFinder implements ByteProcessor {
        private boolean atLineStart;

        void reset() {
            atLineStart = false;
        }

        @Override
        public boolean process(byte value) {
            if (value == '\n') {
                if (atLineStart) {
                    return false;
                }
                atLineStart = true;
            } else if (value != '\r') {
                atLineStart = false;
            }
            return true;
        }
    }

    /** A single event exceeded the configured limit. */
    public static final class EventTooLargeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EventTooLargeException(int limit) {
            super("the upstream sent a server-sent event larger than " + limit + " bytes", null, false, false);
        }
    }
}
