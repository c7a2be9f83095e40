package io.brokle.proxy.adapt.gemini;

/**
 * Gemini's {@code finishReason} as OpenAI's {@code finish_reason}.
 * <pre>
 *   STOP (and a candidate with function calls)         -> tool_calls
 *   STOP, FINISH_REASON_UNSPECIFIED, OTHER, LANGUAGE,
 *     MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, ... -> stop
 *   MAX_TOKENS                                         -> length
 *   SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT,
 *     SPII, IMAGE_SAFETY, IMAGE_PROHIBITED_CONTENT,
 *     IMAGE_RECITATION                                 -> content_filter
 * </pre>
 */
final class FinishReasons {
    private FinishReasons() {
    }

    static String finishReason(String geminiReason, boolean hasToolCalls) {
        String reason = geminiReason == null ? "STOP" : geminiReason;
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" -> "content_filter";
            default -> hasToolCalls ? "tool_calls" : "stop";
        };
    }
}
