package io.brokle.proxy.adapt;

import io.brokle.proxy.adapt.TranslatedError;
import io.brokle.proxy.adapt.TranslationException;
import io.netty.buffer.ByteBuf;
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

    /** The OpenAI server-sent events (each ending in a blank line) for one provider event; may be empty. */
    List<String> event(ByteBuf providerEvent);

    /**
     * Whether the provider ended its stream with an error event, which {@link #event} has already
     * turned into the client's terminal error event: nothing more may follow it.
     */
    boolean failed();

    /** Request parameters the provider could not take as sent, comma-separated, or {@code null}. */
    String droppedParams();
}
