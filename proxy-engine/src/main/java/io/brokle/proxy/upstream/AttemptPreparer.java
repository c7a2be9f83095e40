package io.brokle.proxy.upstream;

import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.route.RouteSelector.Candidate;

/**
 * Turns the client's request into each attempt's upstream request, for the candidate deployment
 * the attempt goes to. One per client request, chosen by the client's dialect:
 * {@link OpenAiAttempts} for OpenAI clients, {@link AnthropicClientAttempts} (a layer over it)
 * for clients of {@code /v1/messages}. Borrows the client's body from the
 * {@link RoutedExchange}, which owns it.
 */
interface AttemptPreparer {
    /**
     * @throws TranslationException when the request cannot be expressed for this provider: the
     *                              client gets the exception's status and message, the provider nothing
     */
    PreparedAttempt prepare(Candidate candidate) throws TranslationException;
}
