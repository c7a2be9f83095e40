package io.brokle.proxy.adapt.bedrock;

import io.brokle.proxy.adapt.StreamFramer;
import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Cuts an AWS event stream ({@code application/vnd.amazon.eventstream}, the framing of Bedrock's
 * {@code ConverseStream}) into whole messages and checks them. Each message is
 * <pre>
 *   total length (4, big-endian) | headers length (4) | prelude CRC32 (4, of the 8 bytes before)
 *   headers | payload | message CRC32 (4, of every byte before it)
 * </pre>
 * A message that arrives whole is handed on as a slice of its chunk, without a copy; one cut across
 * chunks is collected in one buffer, bounded by the frame size limit, which is checked as soon as
 * the prelude (whose checksum must match) is in. A bad checksum, a length out of bounds or a
 * message over the limit is a {@link StreamFramer.MalformedStreamException}: nothing after a
 * broken frame can be trusted. {@link EventStreamMessage#decode} reads a message's headers and
 * payload.
 *
 * <p>Ownership: {@link #split} takes its chunk and releases it before returning; the views given
 * to {@code onEvent} are valid only during the call. {@link #close} releases a pending partial
 * message. One instance per stream, one thread.
 */
public final class EventStreamSplitter implements StreamFramer {
    /** Messages larger than this end the stream (Bedrock's are a few hundred bytes to a few KiB). */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
    /** Total length, headers length, prelude CRC. */
    static final int PRELUDE_BYTES = 12;
    /** The prelude and the message CRC: a message with no headers and no payload. */
    static final int MIN_FRAME_BYTES = PRELUDE_BYTES + 4;

    private final int maxFrameBytes;
    private ByteBuf pending;

    public EventStreamSplitter(int maxFrameBytes) {
        if (maxFrameBytes < MIN_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: >= " + MIN_FRAME_BYTES + ")");
        }
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void split(ByteBuf chunk, Consumer<ByteBuf> onEvent) {
        try {
            if (pending == null) {
                cut(chunk, onEvent);
                if (chunk.isReadable()) {
                    pending = chunk.alloc().buffer(Math.max(chunk.readableBytes(), 256));
                    pending.writeBytes(chunk);
                }
                return;
            }
            pending.writeBytes(chunk);
            cut(pending, onEvent);
            if (pending.isReadable()) {
                pending.discardReadBytes();
            } else {
                pending.release();
                pending = null;
            }
        } catch (MalformedStreamException e) {
            close();
            throw e;
        } finally {
            chunk.release();
        }
    }

    /** Hands on every whole message of {@code in}, moving its reader index past them. */
    private void cut(ByteBuf in, Consumer<ByteBuf> onEvent) {
        while (in.readableBytes() >= PRELUDE_BYTES) {
            int start = in.readerIndex();
            long total = in.getUnsignedInt(start);
            long headers = in.getUnsignedInt(start + 4);
            if (crc(in, start, 8) != in.getUnsignedInt(start + 8)) {
                throw new MalformedStreamException("The provider's event stream has a frame with a bad prelude checksum.");
            }
            if (total < MIN_FRAME_BYTES || headers > total - MIN_FRAME_BYTES) {
                throw new MalformedStreamException("The provider's event stream has a frame with impossible lengths "
                        + "(total " + total + ", headers " + headers + ").");
            }
            if (total > maxFrameBytes) {
                throw new MalformedStreamException("The provider's event stream has a frame of " + total
                        + " bytes, more than the limit of " + maxFrameBytes + ".");
            }
            int length = (int) total;
            if (in.readableBytes() < length) {
                return;
            }
            if (crc(in, start, length - 4) != in.getUnsignedInt(start + length - 4)) {
                throw new MalformedStreamException("The provider's event stream has a frame with a bad message checksum.");
            }
            onEvent.accept(in.slice(start, length));
            in.skipBytes(length);
        }
    }

    static long crc(ByteBuf buf, int index, int length) {
        CRC32 crc = new CRC32();
        if (buf.nioBufferCount() == 1) {
            crc.update(buf.nioBuffer(index, length));
        } else {
            for (var part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        }
        return crc.getValue();
    }

    @Override
    public int pendingBytes() {
        return pending == null ? 0 : pending.readableBytes();
    }

    @Override
    public void close() {
        if (pending != null) {
            pending.release();
            pending = null;
        }
    }
}
