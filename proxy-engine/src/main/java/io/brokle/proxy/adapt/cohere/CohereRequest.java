package io.brokle.proxy.adapt.cohere;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * A request body in Cohere's format, with the OpenAI parameters that were not honoured as sent.
 *
 * @param body          the body to send upstream; the caller owns it
 * @param droppedParams parameters dropped or clamped to Cohere's range, in the order met, each
 *                      named once; the gateway lists them in the {@code x-brokle-dropped-params}
 *                      answer header
 */
public record CohereRequest(ObjectNode body, List<String> droppedParams) {
    public CohereRequest {
        Objects.requireNonNull(body, "body");
        droppedParams = List.copyOf(droppedParams);
    }

    /** {@link #droppedParams} joined with {@code ", "}, or null when nothing was dropped. */
    public String droppedParamsHeader() {
        return droppedParams.isEmpty() ? null : String.join(", ", droppedParams);
    }
}
