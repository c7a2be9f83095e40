package io.brokle.proxy.adapt;

import io.brokle.proxy.adapt.TranslatedError;
import io.brokle.proxy.adapt.TranslationException;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Turns one provider answer into OpenAI's format for the client. One instance per attempt, used
 * on one event loop. Every method reads its buffer through a view and neither retains nor
 * releases it.
 */
public interface ResponseTranslator {
    /** A whole successful answer, as OpenAI JSON. */
    byte[] answer(ByteBuf providerBody) throws TranslationException;

    /** An error answer, as an OpenAI error status and document. */
    TranslatedError error(int status, ByteBuf providerBody);

    /**
     * An error answer with the provider's response headers, for providers that name the error in a
     * header (AWS: {@code x-amzn-ErrorType}); by default {@link #error(int, ByteBuf)}.
     */
    default TranslatedError error(int status, HttpHeaders headers, ByteBuf providerBody) {
        return error(status, providerBody);
    }

    /** The OpenAI server-sent events (each ending in a blank line) for one provider event; may be empty. */
    List<String> event(ByteBuf providerEvent);

    /**
     * Whether the provider ended its stream with an error event, which {@link #event} has already
     * turned into the client's terminal error event: nothing more may follow it.
     */
    boolean failed();

    /** Request parameters the provider could not take as sent, comma-separated, or {@code null}. */
    String droppedParams();

    /**
     * How a successful answer of this {@code Content-Type} is streamed, when it is not
     * {@code text/event-stream}: a new {@link StreamFramer} that cuts it into the events given to
     * {@link #event}; {@code null} (the default) when this content type is not a stream of this
     * provider, so the answer is read whole. Server-sent events need no framer.
     */
    default StreamFramer streamFramer(String contentType) {
        return null;
    }
}
