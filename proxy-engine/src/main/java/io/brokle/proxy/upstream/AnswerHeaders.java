package io.brokle.proxy.upstream;

import io.brokle.config.Cost;
import io.brokle.proxy.adapt.ResponseTranslator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;

/**
 * The headers every answer of one attempt carries to the client, whichever path wrote it
 * ({@link StreamedAnswer}'s head, {@link BufferedAnswer}'s response, or {@link UpstreamRelay}'s
 * error): the gateway's own ({@code x-request-id}, {@code x-brokle-*}, {@code Connection: close}
 * while draining) and the few upstream headers allowed to cross. Touches headers only; owns no
 * buffer.
 */
final class AnswerHeaders {
    /** The answer's cost in USD: a header on whole answers, a trailer on streams (known only at their end). */
    static final AsciiString COST = AsciiString.cached("x-brokle-cost-usd");
    private static final AsciiString REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString PROVIDER = AsciiString.cached("x-brokle-provider");
    private static final AsciiString DEPLOYMENT = AsciiString.cached("x-brokle-deployment");
    private static final AsciiString ATTEMPTS = AsciiString.cached("x-brokle-attempts");
    private static final AsciiString DROPPED_PARAMS = AsciiString.cached("x-brokle-dropped-params");
    private static final AsciiString RETRY_AFTER_MS = AsciiString.cached("retry-after-ms");
    private static final AsciiString RATE_LIMIT_PREFIX = AsciiString.cached("x-ratelimit-");

    private final RelayRequest request;
    private final UpstreamTarget target;
    private final ResponseTranslator translator;

    /**
     * @param translator the attempt's translator, for the parameters it dropped; {@code null}
     *                   for OpenAI-format providers
     */
    AnswerHeaders(RelayRequest request, UpstreamTarget target, ResponseTranslator translator) {
        this.request = request;
        this.target = target;
        this.translator = translator;
    }

    /** Adds the gateway's headers for this attempt to {@code out}. */
    void decorate(HttpResponse out) {
        out.headers().set(REQUEST_ID, request.requestId());
        out.headers().set(PROVIDER, target.provider().name());
        out.headers().set(DEPLOYMENT, target.deployment().name());
        out.headers().setInt(ATTEMPTS, request.attempt());
        if (translator != null && translator.droppedParams() != null) {
            out.headers().set(DROPPED_PARAMS, translator.droppedParams());
        }
        if (request.closeAfter()) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    /** Dollars with up to 10 decimals, or {@code unpriced}: an unknown price is never shown as 0. */
    static String costValue(Cost cost) {
        return cost.priced() ? cost.usd().stripTrailingZeros().toPlainString() : "unpriced";
    }

    /** Upstream headers a client may rely on: rate-limit state and when to retry. Nothing else crosses. */
    static void copyPassThrough(HttpHeaders from, HttpHeaders to) {
        for (var it = from.iteratorCharSequence(); it.hasNext(); ) {
            var e = it.next();
            CharSequence name = e.getKey();
            if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.RETRY_AFTER)
                    || AsciiString.contentEqualsIgnoreCase(name, RETRY_AFTER_MS)
                    || AsciiString.regionMatches(name, true, 0, RATE_LIMIT_PREFIX, 0, RATE_LIMIT_PREFIX.length())) {
                to.add(AsciiString.of(name).toLowerCase(), e.getValue());
            }
        }
    }
}
