package io.brokle.proxy.adapt;

import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.proxy.http.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Speaks to one kind of provider whose API is not OpenAI's. The gateway's own format is
 * OpenAI's: an adapter re-encodes the client's OpenAI-format request for its provider (path,
 * credential headers and body) and hands back a {@link ResponseTranslator} that turns the
 * provider's answer into OpenAI's format. Providers that speak OpenAI's wire format need no
 * adapter: their requests are relayed without re-encoding. Implementations are stateless and
 * shared; see {@link ProviderAdapters}.
 */
public interface ProviderAdapter {
    /**
     * Prepares one attempt.
     *
     * @param endpoint   the OpenAI endpoint the client called
     * @param clientBody the client's OpenAI-format request; read through a view, neither retained nor released
     * @param provider   the provider (base URL, credentials, API version)
     * @param deployment the deployment; its {@code model} is the provider's model name
     * @throws TranslationException when the request cannot be expressed for this provider, or the
     *                              provider does not offer the endpoint: the client gets the
     *                              exception's status and message, the provider nothing
     */
    TranslatedAttempt prepare(Endpoint endpoint, ByteBuf clientBody, Provider provider, Deployment deployment,
                              ByteBufAllocator alloc) throws TranslationException;
}
