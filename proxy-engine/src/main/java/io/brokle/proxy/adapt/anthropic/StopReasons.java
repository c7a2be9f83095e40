package io.brokle.proxy.adapt.anthropic;

/**
 * Anthropic's {@code stop_reason} and OpenAI's {@code finish_reason}, both ways.
 * <pre>
 *   end_turn, stop_sequence, pause_turn  -> stop          stop           -> end_turn
 *   max_tokens,                          -> length        length         -> max_tokens
 *     model_context_window_exceeded                       tool_calls,
 *   tool_use                             -> tool_calls      function_call -> tool_use
 *   refusal                              -> content_filter content_filter -> refusal
 * </pre>
 * A {@code tool_use} stop whose only tool is the forced {@code response_format} tool is a
 * {@code stop}: the client asked for an answer, not a tool call.
 */
final class StopReasons {
    private StopReasons() {
    }

    static String finishReason(String stopReason, boolean answeredThroughJsonTool) {
        if (stopReason == null) {
            return "stop";
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> answeredThroughJsonTool ? "stop" : "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    static String stopReason(String finishReason) {
        if (finishReason == null) {
            return "end_turn";
        }
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "tool_calls", "function_call" -> "tool_use";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }
}
