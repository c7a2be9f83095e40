package io.brokle.proxy.adapt.cohere;

/**
 * Cohere's {@code finish_reason} as OpenAI's: {@code COMPLETE} and {@code STOP_SEQUENCE} are
 * {@code stop}, {@code MAX_TOKENS} is {@code length}, {@code TOOL_CALL} is {@code tool_calls}.
 * {@code ERROR} and {@code TIMEOUT} are not finish reasons at all but failures: the translators
 * answer them as errors ({@link #isFailure}). An unknown or missing reason is {@code stop}, or
 * {@code tool_calls} when the answer called tools (a cut by {@code MAX_TOKENS} stays
 * {@code length}, since the last call's arguments may be incomplete).
 */
final class FinishReasons {
    private FinishReasons() {
    }

    static String toOpenAi(String cohereReason, boolean calledTools) {
        if ("MAX_TOKENS".equals(cohereReason)) {
            return "length";
        }
        return calledTools || "TOOL_CALL".equals(cohereReason) ? "tool_calls" : "stop";
    }

    static boolean isFailure(String cohereReason) {
        return "ERROR".equals(cohereReason) || "TIMEOUT".equals(cohereReason);
    }
}
