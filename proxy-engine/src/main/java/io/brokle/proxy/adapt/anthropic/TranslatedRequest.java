package io.brokle.proxy.adapt.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * A request body in the provider's format, with what was left behind on the way.
 *
 * @param body          the body to send upstream; the caller owns it and may change it (for
 *                      example to put the deployment's model name in)
 * @param droppedParams request parameters that were not honoured as sent (dropped, or clamped to
 *                      the provider's range), in the order met, each named once; the gateway can
 *                      show them to the client in {@link #DROPPED_PARAMS_HEADER}
 * @param reply         what the answer's translator needs to know about this request
 */
public record TranslatedRequest(ObjectNode body, List<String> droppedParams, ReplyOptions reply) {
    /** The response header that lists {@link #droppedParams}, comma-separated. */
    public static final String DROPPED_PARAMS_HEADER = "x-brokle-dropped-params";

    public TranslatedRequest {
        Objects.requireNonNull(body, "body");
        droppedParams = List.copyOf(droppedParams);
        Objects.requireNonNull(reply, "reply");
    }

    /** {@link #droppedParams} joined with {@code ", "}, or null when nothing was dropped. */
    public String droppedParamsHeader() {
        return droppedParams.isEmpty() ? null : String.join(", ", droppedParams);
    }
}
