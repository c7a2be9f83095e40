package io.brokle.proxy.upstream;

import io.brokle.proxy.adapt.ResponseTranslator;
import io.brokle.proxy.adapt.TranslatedError;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.http.ClientDialect;
import io.brokle.proxy.sse.AnswerTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * Any answer that is not a successful stream: collected whole (at most
 * {@link UpstreamRelay#MAX_BUFFERED_RESPONSE_BYTES}), translated into the client's format when a
 * {@link ResponseTranslator} is present, checked, and written to the client at once. A success
 * must be one JSON document and an error an error document of the client's
 * {@link ClientDialect}, so that a malformed or foreign answer becomes a clean 502 instead of
 * garbage. The client's response carries the
 * upstream's pass-through headers ({@code retry-after}, {@code x-ratelimit-*}), the gateway's
 * headers, and, for a success that reported usage, its cost ({@code x-brokle-cost-usd}).
 *
 * <p>Created by {@link UpstreamRelay} when a head that is not a stream arrives, and used only
 * while the relay is buffering. An error answer is first offered to the relay's attempt policy
 * ({@link UpstreamRelay#retryInstead}), and a failure goes back to the relay
 * ({@link UpstreamRelay#failBeforeAnswer}); the relay owns the upstream channel, the timers and
 * the outcome.
 *
 * <p>Ownership: {@link #onContent} takes the content it is given and adds its buffer to the
 * collected answer; the whole answer is then written to the client or released. {@link #close}
 * releases an answer still being collected.
 */
final class BufferedAnswer implements AutoCloseable {
    private final UpstreamRelay relay;
    private final ChannelHandlerContext client;
    private final HttpResponse head;
    private final ResponseTranslator translator;
    private final AnswerTap tap;
    private final AnswerHeaders headers;
    private final String provider;
    private final ClientDialect dialect;

    private CompositeByteBuf collected;

    /**
     * @param head       the upstream's response head
     * @param translator turns a translated provider's answer into the client's format; {@code null}
     *                   for providers of the client's format, whose answers pass as they are
     * @param provider   the provider's name, for error messages
     */
    BufferedAnswer(UpstreamRelay relay, ChannelHandlerContext client, HttpResponse head, ResponseTranslator translator,
                   AnswerTap tap, AnswerHeaders headers, String provider, ClientDialect dialect) {
        this.relay = relay;
        this.client = client;
        this.head = head;
        this.translator = translator;
        this.tap = tap;
        this.headers = headers;
        this.provider = provider;
        this.dialect = dialect;
        this.collected = client.alloc().compositeBuffer(64);
    }

    /** Adds one upstream chunk to the answer, and answers the client on the last one. */
    void onContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            relay.failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_truncated",
                    "Provider \"" + provider + "\" closed the connection before its answer was complete.");
            return;
        }
        collected.addComponent(true, content.content());
        if (collected.readableBytes() > UpstreamRelay.MAX_BUFFERED_RESPONSE_BYTES) {
            relay.failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_malformed",
                    "Provider \"" + provider + "\" sent an answer larger than "
                            + UpstreamRelay.MAX_BUFFERED_RESPONSE_BYTES + " bytes.");
            return;
        }
        if (last) {
            answer();
        }
    }

    private void answer() {
        int status = head.status().code();
        ByteBuf answer = collected;
        collected = null;
        boolean success = status >= 200 && status < 300;
        if (translator != null) {
            try {
                byte[] translated;
                if (success) {
                    translated = translator.answer(answer);
                } else {
                    TranslatedError error = translator.error(status, head.headers(), answer);
                    status = error.status();
                    if (error.retryAfter() != null) {
                        relay.retryAfterFromBody(error.retryAfter());
                    }
                    translated = error.json().getBytes(StandardCharsets.UTF_8);
                }
                answer.release();
                answer = client.alloc().buffer(translated.length).writeBytes(translated);
            } catch (TranslationException e) {
                answer.release();
                if (!success || e.status() == 502) {
                    relay.failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_malformed", e.getMessage());
                    return;
                }
                // A success answer that is a refusal (a blocked prompt): answered like the provider's error.
                status = e.status();
                success = false;
                byte[] error = dialect.errorJson(status, e.getMessage(), e.type(), e.param(), e.code());
                answer = client.alloc().buffer(error.length).writeBytes(error);
            }
        }
        HttpResponseStatus answerStatus = HttpResponseStatus.valueOf(status);
        boolean wellFormed = tap.inspectBody(answer);
        if (!success && relay.retryInstead(status, wellFormed ? dialect.retryCode(status, answer) : null)) {
            answer.release();
            relay.finishUnanswered(status, "upstream_error", HttpUtil.isKeepAlive(head));
            return;
        }
        if (!wellFormed || !success && !dialect.isErrorDocument(status, answer)) {
            answer.release();
            String why = success
                    ? "Provider \"" + provider + "\" returned a malformed answer (not a JSON object)."
                    : "Provider \"" + provider + "\" answered HTTP " + status + " without an error document.";
            relay.failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_malformed", why);
            return;
        }
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answerStatus, answer);
        AnswerHeaders.copyPassThrough(head.headers(), out.headers());
        if (relay.bodyRetryAfter() != null && !out.headers().contains(HttpHeaderNames.RETRY_AFTER)) {
            out.headers().set(HttpHeaderNames.RETRY_AFTER,
                    Long.toString(Math.max(1, (relay.bodyRetryAfter().toMillis() + 999) / 1000)));
        }
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.readableBytes());
        headers.decorate(out);
        if (success && tap.usage() != null) {
            out.headers().set(AnswerHeaders.COST, AnswerHeaders.costValue(relay.cost()));
        }
        client.writeAndFlush(out);
        relay.finish(status, success ? "ok" : "upstream_error", HttpUtil.isKeepAlive(head));
    }

    /** Releases an answer still being collected; safe to call more than once. */
    @Override
    public void close() {
        if (collected != null) {
            collected.release();
            collected = null;
        }
    }
}
