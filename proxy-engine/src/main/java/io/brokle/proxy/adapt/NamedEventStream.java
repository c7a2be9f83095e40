package io.brokle.proxy.adapt;

import java.util.List;

/**
 * A provider's stream translator fed one named server-sent event at a time (Anthropic's and
 * Cohere's streams name each event), giving OpenAI chunk documents. One instance per answer.
 */
public interface NamedEventStream {
    /**
     * @param eventName the SSE {@code event:} field, or null
     * @param data      the SSE {@code data:} field
     * @return the OpenAI chunk documents to send, in order; empty when there is nothing to send
     */
    List<String> feed(String eventName, String data);

    /** True once the provider's stream ended whole: {@code [DONE]} may follow. */
    boolean completed();

    /** True once an error ended the stream; nothing more may follow the terminal error event. */
    boolean failed();
}
