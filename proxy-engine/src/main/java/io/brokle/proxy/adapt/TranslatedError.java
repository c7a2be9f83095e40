package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An error answer in the client's format.
 *
 * @param status the HTTP status to answer with
 * @param body   the error document; the caller owns it
 */
public record TranslatedError(int status, ObjectNode body) {
    public TranslatedError {
        Objects.requireNonNull(body, "body");
    }

    /** {@link #body} as JSON text. */
    public String json() {
        return Json.write(body);
    }
}
