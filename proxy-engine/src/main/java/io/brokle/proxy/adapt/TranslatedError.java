package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An error answer in the client's format.
 *
 * @param status     the HTTP status to answer with
 * @param body       the error document; the caller owns it
 * @param retryAfter how long the provider asked to be left alone, when it said so in the body
 *                   rather than in a {@code Retry-After} header (Google's {@code RetryInfo}); or null
 */
public record TranslatedError(int status, ObjectNode body, java.time.Duration retryAfter) {
    public TranslatedError {
        Objects.requireNonNull(body, "body");
    }

    public TranslatedError(int status, ObjectNode body) {
        this(status, body, null);
    }

    public TranslatedError withRetryAfter(java.time.Duration wait) {
        return new TranslatedError(status, body, wait);
    }

    /** {@link #body} as JSON text. */
    public String json() {
        return Json.write(body);
    }
}
