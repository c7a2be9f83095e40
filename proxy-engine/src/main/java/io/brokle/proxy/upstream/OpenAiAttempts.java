package io.brokle.proxy.upstream;

import io.brokle.proxy.adapt.ProviderAdapter;
import io.brokle.proxy.adapt.ProviderAdapters;
import io.brokle.proxy.adapt.TranslatedAttempt;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.http.BodyRewriter;
import io.brokle.proxy.http.Endpoint;
import io.brokle.proxy.http.SniffedRequest;
import io.brokle.proxy.route.RouteSelector.Candidate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Attempts for an OpenAI-format request: relayed without re-encoding to providers that speak
 * OpenAI's wire format (only the model name, and for streams {@code include_usage}, are spliced
 * in by {@link BodyRewriter}), translated by the kind's {@link ProviderAdapter} for the others.
 * Stateless.
 */
final class OpenAiAttempts implements AttemptPreparer {
    static final OpenAiAttempts INSTANCE = new OpenAiAttempts();

    private OpenAiAttempts() {
    }

    @Override
    public PreparedAttempt prepare(Candidate c, ByteBuf body, SniffedRequest sniffed, RelayRequest request,
                                   MockUpstreams mocks, ByteBufAllocator alloc) throws TranslationException {
        return prepare(c, request.endpoint(), body, sniffed, mocks, alloc);
    }

    /** One attempt of an OpenAI-format {@code body} sent to {@code endpoint}. */
    static PreparedAttempt prepare(Candidate c, Endpoint endpoint, ByteBuf body, SniffedRequest sniffed,
                                   MockUpstreams mocks, ByteBufAllocator alloc) throws TranslationException {
        ProviderAdapter adapter = ProviderAdapters.forKind(c.provider().kind());
        if (adapter == null) {
            return new PreparedAttempt(UpstreamTarget.of(c.provider(), c.deployment(), endpoint, mocks.addressOf(c.provider())),
                    BodyRewriter.rewrite(body.retainedDuplicate(), sniffed, c.deployment().model(), true), null);
        }
        TranslatedAttempt translated = adapter.prepare(endpoint, body, c.provider(), c.deployment(), alloc);
        return new PreparedAttempt(UpstreamTarget.translated(c.provider(), c.deployment(), translated.path(),
                translated.headers()), translated.body(), translated.translator());
    }
}
