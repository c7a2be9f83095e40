/**
 * Translation from OpenAI's Chat Completions and Embeddings formats to Google's Gemini API
 * ({@code generateContent}, {@code streamGenerateContent?alt=sse}, {@code batchEmbedContents})
 * and back. Pure classes: Jackson trees and strings in, Jackson trees and strings out; no Netty,
 * no I/O, nothing fetched.
 * <pre>
 *   client (OpenAI format) -> gateway -> Gemini provider
 *       OpenAiToGeminiRequest        chat request (messages: OpenAiMessagesToGemini)
 *       GeminiToOpenAiResponse       answer           GeminiStreamToOpenAi  streamed answer
 *       GeminiEmbeddings             embeddings request and answer
 *       GeminiErrors                 error answer, error event, blocked prompt
 * </pre>
 * <b>The rule for parameters</b> (also in {@code docs/compatibility.md}): a parameter with a
 * Gemini equivalent is translated; one whose effect Gemini cannot give, while the answer keeps
 * the shape the client asked for, is dropped and named in the {@code x-brokle-dropped-params}
 * answer header (unless its value is OpenAI's default, which changes nothing); a request whose
 * answer could not have the asked-for shape or content (audio output, legacy functions, an image
 * the gateway would have to download, token-array embeddings input) is refused with a 400 that
 * names the field, and the provider sees nothing. Each class's javadoc states its rules.
 */
package io.brokle.proxy.adapt.gemini;
