package io.brokle.proxy.upstream;

import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.http.SniffedRequest;
import io.brokle.proxy.route.RouteSelector.Candidate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns the client's request into each attempt's upstream request, for the candidate deployment
 * the attempt goes to. Chosen by the client's dialect: {@link OpenAiAttempts#INSTANCE} for OpenAI
 * clients (stateless, so the passthrough path allocates nothing for it), a new
 * {@link AnthropicClientAttempts} (a layer over it) for each request to {@code /v1/messages}.
 */
interface AttemptPreparer {
    /**
     * @param body    the client's body, owned by the {@link RoutedExchange}: borrowed, never released here
     * @param sniffed what {@link io.brokle.proxy.http.RequestSniffer} found in it
     * @throws TranslationException when the request cannot be expressed for this provider: the
     *                              client gets the exception's status and message, the provider nothing
     */
    PreparedAttempt prepare(Candidate candidate, ByteBuf body, SniffedRequest sniffed, RelayRequest request,
                            MockUpstreams mocks, ByteBufAllocator alloc) throws TranslationException;
}
