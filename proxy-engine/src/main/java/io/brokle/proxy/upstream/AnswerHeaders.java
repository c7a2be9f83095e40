package io.brokle.proxy.upstream;

import io.brokle.config.Cost;
import io.brokle.proxy.adapt.ResponseTranslator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Locale;

/**
 * The headers every answer of one attempt carries to the client, whichever path wrote it
 * ({@link StreamedAnswer}'s head, {@link BufferedAnswer}'s response, or {@link UpstreamRelay}'s
 * error): the gateway's own ({@code x-request-id}, {@code x-brokle-*}, {@code Connection: close}
 * while draining) and the few upstream headers allowed to cross. Touches headers only; owns no
 * buffer.
 */
final class AnswerHeaders {
    /** The answer's cost in USD: a header on whole answers, a trailer on streams (known only at their end). */
    static final String COST = "x-brokle-cost-usd";

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
        out.headers().set("x-request-id", request.requestId());
        out.headers().set("x-brokle-provider", target.provider().name());
        out.headers().set("x-brokle-deployment", target.deployment().name());
        out.headers().setInt("x-brokle-attempts", request.attempt());
        if (translator != null && translator.droppedParams() != null) {
            out.headers().set("x-brokle-dropped-params", translator.droppedParams());
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
        for (var e : from) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("retry-after") || name.equals("retry-after-ms") || name.startsWith("x-ratelimit-")) {
                to.add(name, e.getValue());
            }
        }
    }
}
