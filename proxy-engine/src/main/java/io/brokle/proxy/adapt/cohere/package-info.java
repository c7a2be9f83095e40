/**
 * Translation from OpenAI's Chat Completions and Embeddings formats to Cohere's v2 API and back,
 * streamed and not. Pure classes: Jackson trees and strings in, Jackson trees and strings out;
 * no Netty, no I/O, nothing fetched.
 * <pre>
 *   client (OpenAI format) -> gateway -> Cohere provider
 *       OpenAiToCohereChat        POST /v2/chat request
 *       CohereToOpenAiChat        answer               CohereStreamToOpenAi  streamed answer
 *       OpenAiToCohereEmbed       POST /v2/embed request
 *       CohereToOpenAiEmbeddings  embeddings answer
 *       CohereErrors              error answers, both endpoints
 * </pre>
 * The rule for every OpenAI parameter is one of three, stated on the translator's javadoc:
 * translated, dropped and named in the {@code x-brokle-dropped-params} answer header
 * ({@link io.brokle.proxy.adapt.cohere.CohereRequest#droppedParams()}), or refused with a 400
 * ({@link io.brokle.proxy.adapt.TranslationException}) saying why. Nothing is ignored silently.
 * Token counts come from Cohere's {@code billed_units} (what it charges for), see
 * {@link io.brokle.proxy.adapt.cohere.CohereUsage}.
 */
package io.brokle.proxy.adapt.cohere;
