package io.brokle.proxy.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Cuts a server-sent-event byte stream into whole events (each ends with an empty line), so
 * that every event can be inspected and then relayed, or dropped, as a unit. Events that
 * arrive whole leave as retained slices of the chunk they came in, without a copy. An event
 * split across reads is collected in one flat buffer (bounded by the event size limit), and
 * scanning resumes where it stopped, so a long event cut into many small reads costs linear
 * time and constant stack. One instance serves one response, on one thread.
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
    private final EventEndFinder finder = new EventEndFinder();
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
        try {
            if (pending == null) {
                return cut(chunk, filter);
            }
            int end = finder.find(chunk, chunk.readerIndex(), chunk.writerIndex());
            if (end < 0) {
                appendToPending(chunk, chunk.readerIndex(), chunk.readableBytes());
                return Unpooled.EMPTY_BUFFER;
            }
            int restStart = end + 1;
            appendToPending(chunk, chunk.readerIndex(), restStart - chunk.readerIndex());
            ByteBuf event = pending;
            pending = null;
            finder.reset();
            ByteBuf first = filter.keep(event) ? event : release(event);
            ByteBuf rest = cut(chunk.slice(restStart, chunk.writerIndex() - restStart), filter);
            return join(first, rest);
        } finally {
            chunk.release();
        }
    }

    /** Kept events of {@code input} (not released here); a partial tail is copied to {@link #pending}. */
    private ByteBuf cut(ByteBuf input, EventFilter filter) {
        int start = input.readerIndex();
        int end = input.writerIndex();
        CompositeByteBuf kept = null;
        int keptRunStart = start;
        int eventStart = start;
        int found;
        while (eventStart < end && (found = finder.find(input, eventStart, end)) >= 0) {
            int eventEnd = found + 1;
            finder.reset();
            if (!filter.keep(input.slice(eventStart, eventEnd - eventStart))) {
                if (kept == null) {
                    kept = input.alloc().compositeBuffer();
                }
                if (eventStart > keptRunStart) {
                    kept.addComponent(true, input.retainedSlice(keptRunStart, eventStart - keptRunStart));
                }
                keptRunStart = eventEnd;
            }
            eventStart = eventEnd;
        }
        if (eventStart < end) {
            try {
                appendToPending(input, eventStart, end - eventStart);
            } catch (EventTooLargeException e) {
                if (kept != null) {
                    kept.release();
                }
                throw e;
            }
        }
        if (kept == null) {
            return eventStart == start ? Unpooled.EMPTY_BUFFER : input.retainedSlice(start, eventStart - start);
        }
        if (eventStart > keptRunStart) {
            kept.addComponent(true, input.retainedSlice(keptRunStart, eventStart - keptRunStart));
        }
        return kept;
    }

    private void appendToPending(ByteBuf from, int index, int length) {
        int total = (pending == null ? 0 : pending.readableBytes()) + length;
        if (total > maxEventBytes) {
            close();
            throw new EventTooLargeException(maxEventBytes);
        }
        if (pending == null) {
            pending = from.alloc().buffer(Math.max(length, 256));
        }
        pending.writeBytes(from, index, length);
    }

    private static ByteBuf join(ByteBuf first, ByteBuf rest) {
        if (first == null) {
            return rest;
        }
        if (!rest.isReadable()) {
            rest.release();
            return first;
        }
        CompositeByteBuf both = first.alloc().compositeBuffer(2);
        both.addComponents(true, first, rest);
        return both;
    }

    private static ByteBuf release(ByteBuf buf) {
        buf.release();
        return null;
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        finder.reset();
    }

    /** Bytes of an event still waiting for its end. */
    public int pendingBytes() {
        return pending == null ? 0 : pending.readableBytes();
    }

    /**
     * Finds the LF that ends an event: the second of two line ends in a row (CR ignored). Keeps
     * its state across reads. It jumps from line end to line end with {@link ByteBuf#indexOf}
     * (which compares eight bytes at a time) and looks only at the bytes right after each.
     */
    private static final class EventEndFinder {
        /** The bytes seen since the last LF were CRs only (across reads too). */
        private boolean atLineStart;

        void reset() {
            atLineStart = false;
        }

        /** Index of the LF that ends the event within {@code [from, to)}, or -1 (the state carries over). */
        int find(ByteBuf buf, int from, int to) {
            int i = from;
            while (i < to) {
                if (!atLineStart) {
                    int lf = buf.indexOf(i, to, (byte) '\n');
                    if (lf < 0) {
                        return -1;
                    }
                    atLineStart = true;
                    i = lf + 1;
                    continue;
                }
                byte b = buf.getByte(i);
                if (b == '\n') {
                    return i;
                }
                if (b != '\r') {
                    atLineStart = false;
                }
                i++;
            }
            return -1;
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
