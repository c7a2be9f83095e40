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
 *   client (Anthropic format, POST /v1/messages) -> gateway -> any provider but Anthropic's
 *       AnthropicToOpenAiRequest      request (then relayed, or translated again by the provider's adapter)
 *       OpenAiToAnthropicResponse     answer            OpenAiStreamToAnthropic  streamed answer
 *       AnthropicErrors.toAnthropic   error answer (AnthropicErrors.forStatus: the gateway's own errors)
 *       AnthropicClientAnswers        the three above behind the relay's ResponseTranslator, over the
 *                                     adapter's own translator to OpenAI when there is one
 * </pre>
 * An Anthropic client's request to an Anthropic provider is relayed untranslated
 * ({@code upstream.AnthropicClientAttempts}).
 * A request translator returns a {@link io.brokle.proxy.adapt.anthropic.TranslatedRequest}:
 * the body, the parameters not honoured as sent (for the
 * {@value io.brokle.proxy.adapt.anthropic.TranslatedRequest#DROPPED_PARAMS_HEADER} header), and
 * the {@link io.brokle.proxy.adapt.anthropic.ReplyOptions} that the answer's translator needs. A
 * request that cannot be served as asked is a
 * {@link io.brokle.proxy.adapt.TranslationException} (400); an answer that breaks its
 * own format is one too (502). Each class's javadoc states its rules.
 */
package io.brokle.proxy.adapt.anthropic;
