/**
 * Translation between OpenAI's Chat Completions format and Anthropic's Messages API, both ways,
 * streamed and not. Pure classes: Jackson trees and strings in, Jackson trees and strings out;
 * no Netty, no I/O, nothing fetched.
 * <pre>
 *   client (OpenAI format) -> gateway -> Anthropic provider
 *       OpenAiToAnthropicRequest      request
 *       AnthropicToOpenAiResponse     answer            AnthropicStreamToOpenAi  streamed answer
 *       AnthropicErrors.toOpenAi      error answer
 *
 *   client (Anthropic format, POST /v1/messages) -> gateway -> OpenAI-format provider
 *       AnthropicToOpenAiRequest      request
 *       OpenAiToAnthropicResponse     answer            OpenAiStreamToAnthropic  streamed answer
 *       AnthropicErrors.toAnthropic   error answer (also for the gateway's own errors)
 * </pre>
 * A request translator returns a {@link io.brokle.proxy.adapt.anthropic.TranslatedRequest}:
 * the body, the parameters not honoured as sent (for the
 * {@value io.brokle.proxy.adapt.anthropic.TranslatedRequest#DROPPED_PARAMS_HEADER} header), and
 * the {@link io.brokle.proxy.adapt.anthropic.ReplyOptions} that the answer's translator needs. A
 * request that cannot be served as asked is a
 * {@link io.brokle.proxy.adapt.TranslationException} (400); an answer that breaks its
 * own format is one too (502). Each class's javadoc states its rules.
 */
package io.brokle.proxy.adapt.anthropic;
