package io.brokle.proxy.sse;

/** What one server-sent event of a stream is, as far as the gateway cares (see {@link AnswerTap}). */
public enum SseEventKind {
    /** An ordinary chunk (or a comment, or anything unrecognised): relayed as is. */
    DATA,
    /** A chunk with no choices and a usage object: the answer to {@code include_usage}. */
    USAGE_ONLY,
    /** The stream's normal end: OpenAI's {@code data: [DONE]}, Anthropic's {@code message_stop}. */
    DONE,
    /**
     * The provider's own error event, which ends the stream (Anthropic's {@code event: error}):
     * relayed, and nothing may follow it.
     */
    ERROR
}
