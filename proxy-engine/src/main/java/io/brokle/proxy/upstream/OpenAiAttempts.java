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
 */
final class OpenAiAttempts implements AttemptPreparer {
    private final ByteBuf body;
    private final SniffedRequest sniffed;
    private final Endpoint endpoint;
    private final MockUpstreams mocks;
    private final ByteBufAllocator alloc;

    /**
     * @param body    the client's body; borrowed, never released here
     * @param sniffed what {@link io.brokle.proxy.http.RequestSniffer} found in it
     */
    OpenAiAttempts(ByteBuf body, SniffedRequest sniffed, Endpoint endpoint, MockUpstreams mocks, ByteBufAllocator alloc) {
        this.body = body;
        this.sniffed = sniffed;
        this.endpoint = endpoint;
        this.mocks = mocks;
        this.alloc = alloc;
    }

    @Override
    public PreparedAttempt prepare(Candidate c) throws TranslationException {
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
