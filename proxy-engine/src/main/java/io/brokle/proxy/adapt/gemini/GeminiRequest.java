package io.brokle.proxy.adapt.gemini;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * A chat request in Gemini's format, with what the answer's translators need and what was left
 * behind on the way.
 *
 * @param body          the {@code GenerateContentRequest} to send; the caller owns it
 * @param stream        whether the client asked for a stream ({@code :streamGenerateContent?alt=sse})
 * @param candidates    how many candidates (OpenAI choices) the answer has: {@code n}, default 1
 * @param droppedParams request parameters that were not honoured, in the order met, each once
 */
public record GeminiRequest(ObjectNode body, boolean stream, int candidates, List<String> droppedParams) {
    public GeminiRequest {
        Objects.requireNonNull(body, "body");
        droppedParams = List.copyOf(droppedParams);
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates: " + candidates + " (expected: >= 1)");
        }
    }

    /** {@link #droppedParams} joined with {@code ", "}, or null when nothing was dropped. */
    public String droppedParamsHeader() {
        return droppedParams.isEmpty() ? null : String.join(", ", droppedParams);
    }
}
