package io.brokle.proxy.adapt.anthropic;

/**
 * What the answer to a translated request must look like beyond what the provider's answer says;
 * given by {@link OpenAiToAnthropicRequest} to the response and stream translators.
 *
 * @param jsonResponseTool the forced tool that carries a {@code response_format} answer (its
 *                         {@code tool_use} input becomes the message content), or null
 * @param includeUsage     whether the client asked for a usage chunk at the end of a stream
 *                         ({@code stream_options.include_usage})
 */
public record ReplyOptions(String jsonResponseTool, boolean includeUsage) {
    /** No response format, no usage chunk. */
    public static final ReplyOptions PLAIN = new ReplyOptions(null, false);
}
