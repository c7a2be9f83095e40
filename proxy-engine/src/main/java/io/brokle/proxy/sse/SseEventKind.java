package io.brokle.proxy.sse;

/** What one server-sent event of an OpenAI stream is, as far as the gateway cares. */
public enum SseEventKind {
    /** An ordinary chunk (or a comment, or anything unrecognised): relayed as is. */
    DATA,
    /** A chunk with no choices and a usage object: the answer to {@code include_usage}. */
    USAGE_ONLY,
    /** {@code data: [DONE]}: the stream's normal end. */
    DONE
}
