package io.brokle.proxy.adapt;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * Cuts a provider's streamed answer into whole events when the provider does not stream
 * server-sent events (AWS Bedrock's {@code application/vnd.amazon.eventstream}, for one). A
 * {@link ResponseTranslator} supplies one per streamed answer ({@link ResponseTranslator#streamFramer});
 * each event then goes to {@link ResponseTranslator#event}. One instance per answer, used on one
 * thread.
 *
 * <p>Ownership: {@link #split} takes the chunk it is given and releases what it does not keep;
 * {@link #close} releases a partial event still waiting for its end.
 */
public interface StreamFramer extends AutoCloseable {
    /**
     * @param chunk   the next bytes of the stream; ownership passes to this method
     * @param onEvent called for every whole event found, in order, with a view valid only during the call
     * @throws MalformedStreamException when the bytes break the framing (a bad checksum, a frame
     *                                  larger than the limit); the chunk is released
     */
    void split(ByteBuf chunk, Consumer<ByteBuf> onEvent);

    /** Bytes of an event still waiting for its end. */
    int pendingBytes();

    /** Releases a pending partial event; safe to call more than once. */
    @Override
    void close();

    /** The provider's stream broke its framing: the stream cannot go on. The message is safe to show. */
    final class MalformedStreamException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MalformedStreamException(String message) {
            super(message, null, false, false);
        }
    }
}
