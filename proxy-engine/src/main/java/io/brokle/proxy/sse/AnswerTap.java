package io.brokle.proxy.sse;

import io.netty.buffer.ByteBuf;

/**
 * Reads what the gateway needs from one answer in the client's format without disturbing it:
 * the token usage, and for streams what each event is (an ordinary event, the normal end, the
 * provider's terminal error). Buffers are read through views; nothing is retained, released or
 * moved. One instance per answer, used on one event loop.
 */
public interface AnswerTap {
    /** The usage seen so far, or {@code null} when none was reported. */
    Usage usage();

    /**
     * Classifies one streamed event and records its usage, if it has any.
     *
     * @param event a whole event including its terminating blank line
     */
    SseEventKind inspectEvent(ByteBuf event);

    /**
     * Reads the usage of a whole (non-streamed) JSON answer.
     *
     * @return false when the body is not a well-formed JSON object
     */
    boolean inspectBody(ByteBuf body);
}
