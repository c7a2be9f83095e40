package io.brokle.proxy.adapt.anthropic;

import java.util.Objects;

/**
 * One server-sent event of an Anthropic stream.
 *
 * @param name the {@code event:} field, which Anthropic always sends and which equals the
 *             data's {@code type}, e.g. {@code content_block_delta}
 * @param data the {@code data:} field, one line of JSON
 */
public record AnthropicEvent(String name, String data) {
    public AnthropicEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
    }

    /** The event as it goes on the wire: {@code event: NAME\ndata: DATA\n\n}. */
    public String toSse() {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}
