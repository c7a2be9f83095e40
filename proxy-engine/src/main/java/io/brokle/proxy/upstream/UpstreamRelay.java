package io.brokle.proxy.upstream;

import io.brokle.config.Cost;
import io.brokle.config.CostCalculator;
import io.brokle.proxy.adapt.ResponseTranslator;
import io.brokle.proxy.adapt.StreamFramer;
import io.brokle.proxy.sse.SseFrameSplitter;
import io.brokle.proxy.sse.AnswerTap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Relays one request to one upstream and its answer back to the client, on the client's event
 * loop. The relay takes a pooled connection, writes the request, reads the response head and
 * hands the rest of the answer to the class that writes it: a successful
 * {@code text/event-stream} to a {@link StreamedAnswer} (events relayed as they arrive), any
 * other answer to a {@link BufferedAnswer} (collected whole, checked, written at once). It owns
 * one timer for the first-byte, idle and total limits, the failure paths, cancellation, and the
 * {@link RelayOutcome} it reports once, when the attempt ends.
 *
 * <p>Failure before anything reached the client is an error response in the client's format
 * (502, or 504 for timeouts), unless the {@link AttemptPolicy} retries instead, in which case
 * nothing is written. Failure after a stream started ends it with the client format's terminal
 * error event ({@code data: {"error":...}} and no {@code [DONE]} for OpenAI clients,
 * {@code event: error} and no {@code message_stop} for Anthropic clients), so a client never
 * mistakes a cut answer for a whole one. Usage is read by the client dialect's {@link AnswerTap}.
 *
 * <p>Ownership: the relay owns the request body until it is written upstream, and every response
 * part {@link UpstreamResponseHandler} hands it: the head is consumed here, content passes to
 * the answer in progress (or is released once the relay is done). Each path ends in write or
 * release; {@link #finish} closes the answer in progress, releasing what it still holds. The
 * upstream connection returns to the pool only after an answer ended cleanly.
 */
public final class UpstreamRelay {
    /** An answer collected whole larger than this is refused with 502. */
    public static final int MAX_BUFFERED_RESPONSE_BYTES = 64 * 1024 * 1024;
    private static final AsciiString RETRY_AFTER_MS = AsciiString.cached("retry-after-ms");
    private static final AsciiString BROKLE = AsciiString.cached("brokle");
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private enum State { CONNECTING, WAITING_HEAD, STREAMING, BUFFERING, DONE }

    private final ChannelHandlerContext client;
    private final UpstreamPool pool;
    private final UpstreamTarget target;
    private final RelayRequest request;
    private final Consumer<RelayOutcome> whenDone;
    private final AttemptPolicy policy;
    private final CostCalculator costs;
    private final ResponseTranslator translator;
    private final AnswerHeaders answerHeaders;
    private final EventLoop loop;
    private final AnswerTap tap;

    private ByteBuf body;
    private State state = State.CONNECTING;
    private Channel upstream;
    private HttpResponse head;
    private StreamedAnswer streamed;
    private BufferedAnswer buffered;
    private boolean sent;
    private boolean answeredClient = true;
    private long headNanos;
    private Duration retryAfter;
    /** A wait the provider gave only in its error body (read by the translator), for the client's {@code Retry-After}. */
    private Duration bodyRetryAfter;
    private long startNanos;
    private long sentNanos;
    private long firstByteNanos;
    private long lastActivityNanos;
    /** The one timer of the attempt; see {@link #onWatchdog}. */
    private ScheduledFuture<?> watchdog;
    /** When the attempt must be over, on the event loop's ticker. */
    private long totalDeadline;
    /** When the request was written, on the event loop's ticker; 0 before. */
    private long sentTick;
    /** What the reported usage costs, once the answer is complete; see {@link #cost}. */
    private Cost cost;

    /**
     * @param body       ownership passes to the relay
     * @param translator turns a translated provider's answers into the client's format; {@code null}
     *                   for providers of the client's format, whose answers pass as they are
     */
    public UpstreamRelay(ChannelHandlerContext client, UpstreamPool pool, UpstreamTarget target, RelayRequest request,
                         ByteBuf body, ResponseTranslator translator, AttemptPolicy policy, CostCalculator costs,
                         Consumer<RelayOutcome> whenDone) {
        this.client = client;
        this.translator = translator;
        this.policy = policy;
        this.costs = costs;
        this.pool = pool;
        this.target = target;
        this.request = request;
        this.body = body;
        this.whenDone = whenDone;
        this.loop = client.channel().eventLoop();
        this.answerHeaders = new AnswerHeaders(request, target, translator);
        this.tap = request.dialect().newTap();
    }

    public void start() {
        startNanos = System.nanoTime();
        long total = target.timeouts().total().toNanos();
        if (request.deadlineNanos() != 0) {
            // A retry gets what is left of the client's request, never a fresh full allowance.
            total = Math.max(0, Math.min(total, request.deadlineNanos() - startNanos));
        }
        totalDeadline = loop.ticker().nanoTime() + total;
        // One timer for the three limits, first due at the earliest any could expire; it moves
        // itself on when that limit is not yet reached (see onWatchdog).
        long firstCheck = Math.min(total, Math.min(target.timeouts().firstByte().toNanos(),
                target.timeouts().idle().toNanos()));
        watchdog = loop.schedule(this::onWatchdog, firstCheck, TimeUnit.NANOSECONDS);
        Future<Channel> acquired = pool.acquire(loop, target);
        if (acquired.isDone()) {
            onAcquired(acquired);
        } else {
            acquired.addListener(f -> onAcquired(acquired));
        }
    }

    private void onAcquired(Future<Channel> acquired) {
        if (state == State.DONE) {
            if (acquired.isSuccess()) {
                acquired.getNow().close();
            }
            return;
        }
        if (!acquired.isSuccess()) {
            failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_unavailable",
                    "Could not connect to provider \"" + target.provider().name() + "\": "
                            + FailureText.describe(acquired.cause()));
            return;
        }
        upstream = acquired.getNow();
        upstream.pipeline().get(UpstreamResponseHandler.class).bind(this);
        DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target.uri(), body);
        body = null;
        HttpHeaders h = out.headers();
        h.set(HttpHeaderNames.HOST, target.hostHeader());
        h.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, out.content().readableBytes());
        h.set(HttpHeaderNames.ACCEPT, request.accept() != null ? request.accept()
                : request.stream() ? "text/event-stream" : "application/json");
        h.set(HttpHeaderNames.USER_AGENT, BROKLE);
        for (var header : target.headers()) {
            h.set(header.getKey(), header.getValue());
        }
        state = State.WAITING_HEAD;
        sentNanos = System.nanoTime();
        sentTick = loop.ticker().nanoTime();
        upstream.writeAndFlush(out).addListener(w -> {
            if (w.isSuccess()) {
                sent = true;
            } else if (state == State.WAITING_HEAD) {
                failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_unavailable",
                        "Could not send the request to provider \"" + target.provider().name() + "\": "
                                + FailureText.describe(w.cause()));
            }
        });
    }

    /** Called by the upstream connection's handler; the relay owns {@code msg}. */
    void onUpstreamMessage(Object msg) {
        try {
            switch (state) {
                case WAITING_HEAD -> onHead(msg);
                case STREAMING -> onStreamContent((HttpContent) msg);
                case BUFFERING -> onBufferedContent((HttpContent) msg);
                default -> ReferenceCountUtil.release(msg);
            }
        } catch (SseFrameSplitter.EventTooLargeException | StreamFramer.MalformedStreamException e) {
            endStreamWithError("upstream_malformed", e.getMessage());
        }
    }

    private void onHead(Object msg) {
        if (!(msg instanceof HttpResponse response)) {
            ReferenceCountUtil.release(msg);
            failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_malformed",
                    "Provider \"" + target.provider().name() + "\" sent data that is not an HTTP response.");
            return;
        }
        if (response.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_malformed",
                    "Provider \"" + target.provider().name() + "\" sent an invalid HTTP response: "
                            + FailureText.describe(response.decoderResult().cause()));
            return;
        }
        if (response.status().code() == 100) {
            ReferenceCountUtil.release(msg);
            return;
        }
        head = response;
        sent = true;
        headNanos = System.nanoTime() - startNanos;
        String retryAfterHeader = response.headers().get(HttpHeaderNames.RETRY_AFTER);
        String retryAfterMs = response.headers().get(RETRY_AFTER_MS);
        if (retryAfterHeader != null || retryAfterMs != null) {
            retryAfter = RetryAfter.parse(retryAfterHeader, retryAfterMs, Instant.now());
        }
        lastActivityNanos = loop.ticker().nanoTime();
        String contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        boolean success = response.status().codeClass() == HttpStatusClass.SUCCESS;
        boolean sse = success && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        // A translated provider may stream in a framing of its own (Bedrock's event stream).
        StreamFramer framer = success && !sse && translator != null ? translator.streamFramer(contentType) : null;
        if (sse || framer != null) {
            state = State.STREAMING;
            streamed = new StreamedAnswer(this, client, upstream, response, request.clientAskedUsage(), translator,
                    framer, tap, answerHeaders);
            streamed.writeHead();
            if (msg instanceof HttpContent content) {
                onStreamContent(content);
            }
        } else {
            state = State.BUFFERING;
            buffered = new BufferedAnswer(this, client, response, translator, tap, answerHeaders,
                    target.provider().name(), request.dialect());
            if (msg instanceof HttpContent content) {
                onBufferedContent(content);
            }
        }
    }

    private void onStreamContent(HttpContent content) {
        lastActivityNanos = loop.ticker().nanoTime();
        streamed.onContent(content);
    }

    private void onBufferedContent(HttpContent content) {
        lastActivityNanos = loop.ticker().nanoTime();
        buffered.onContent(content);
    }

    /** The upstream's current read is over: a stream sends what it brought (see {@link StreamedAnswer#onReadComplete}). */
    void onUpstreamReadComplete() {
        if (state == State.STREAMING) {
            streamed.onReadComplete();
        }
    }

    /** Called when the upstream connection closed. */
    void onUpstreamClosed() {
        switch (state) {
            case CONNECTING, WAITING_HEAD, BUFFERING -> failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY,
                    state == State.BUFFERING ? "upstream_truncated" : "upstream_unavailable",
                    "Provider \"" + target.provider().name() + "\" closed the connection before answering.");
            case STREAMING -> endStreamWithError("upstream_truncated",
                    "The provider closed the stream before it finished.");
            default -> {
            }
        }
    }

    void onUpstreamError(Throwable cause) {
        switch (state) {
            case CONNECTING, WAITING_HEAD, BUFFERING -> failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY,
                    "upstream_unavailable", "Provider \"" + target.provider().name() + "\" failed: "
                            + FailureText.describe(cause));
            case STREAMING -> endStreamWithError("upstream_truncated", "The provider's stream failed: "
                    + FailureText.describe(cause));
            default -> {
            }
        }
    }

    /** The client can take more data again: resume reading from the upstream. */
    public void clientWritabilityChanged() {
        if (state == State.STREAMING) {
            streamed.onClientWritabilityChanged();
        }
    }

    /** The client went away: stop the upstream at once and release everything. */
    public void cancel() {
        if (state == State.DONE) {
            return;
        }
        closeUpstream();
        finish(499, "client_closed", false);
    }

    /** The first bytes of a stream are on their way to the client; only the first call counts. */
    void firstByteRelayed() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime() - startNanos;
        }
    }

    /**
     * The provider answered with an error: whether the attempt policy retries instead. When it
     * does, the caller ends this attempt with {@link #finishUnanswered}.
     */
    boolean retryInstead(int status, String errorCode) {
        return policy.retryInstead(new AttemptFailure(status, "upstream_error", true, true, errorCode, retryAfter));
    }

    /**
     * The attempt's one timer: the total deadline, the first-byte limit (from when the request
     * was written) and the idle limit (from the last upstream read) are checked here, and the timer
     * moves itself to the earliest limit still ahead. A quick answer thus costs one schedule and
     * one cancel instead of a timer per limit.
     */
    private void onWatchdog() {
        watchdog = null;
        if (state == State.DONE) {
            return;
        }
        long now = loop.ticker().nanoTime();
        if (now - totalDeadline >= 0) {
            onTotalTimeout();
            return;
        }
        long next = totalDeadline;
        switch (state) {
            // Still connecting: the first-byte limit starts when the request is written, no earlier than now.
            case CONNECTING -> next = earlier(next, now + target.timeouts().firstByte().toNanos());
            case WAITING_HEAD -> {
                long due = sentTick + target.timeouts().firstByte().toNanos();
                if (now - due >= 0) {
                    onFirstByteTimeout();
                    return;
                }
                next = earlier(next, due);
            }
            case STREAMING, BUFFERING -> {
                long due = lastActivityNanos + target.timeouts().idle().toNanos();
                if (now - due >= 0) {
                    onIdleTimeout();
                    return;
                }
                next = earlier(next, due);
            }
            default -> {
            }
        }
        watchdog = loop.schedule(this::onWatchdog, next - now, TimeUnit.NANOSECONDS);
    }

    private static long earlier(long a, long b) {
        return a - b <= 0 ? a : b;
    }

    private void onFirstByteTimeout() {
        failBeforeAnswer(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout",
                "Provider \"" + target.provider().name() + "\" did not answer within "
                        + FailureText.human(target.timeouts().firstByte()) + ".");
    }

    private void onIdleTimeout() {
        String message = "Provider \"" + target.provider().name() + "\" sent nothing for "
                + FailureText.human(target.timeouts().idle()) + ".";
        if (state == State.STREAMING) {
            endStreamWithError("upstream_timeout", message);
        } else {
            failBeforeAnswer(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout", message);
        }
    }

    private void onTotalTimeout() {
        String message = request.attempt() > 1
                ? "Provider \"" + target.provider().name() + "\" did not finish before the request's deadline."
                : "Provider \"" + target.provider().name() + "\" did not finish within "
                        + FailureText.human(target.timeouts().total()) + ".";
        if (state == State.STREAMING) {
            endStreamWithError("upstream_timeout", message);
        } else if (state != State.DONE) {
            failBeforeAnswer(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout", message);
        }
    }

    /** Nothing reached the client yet: answer with an error, or nothing when another attempt follows. */
    void failBeforeAnswer(HttpResponseStatus status, String result, String message) {
        if (state == State.DONE) {
            return;
        }
        closeUpstream();
        if (policy.retryInstead(new AttemptFailure(status.code(), result, sent, false, null, null))) {
            finishUnanswered(status.code(), result, false);
            return;
        }
        String type = status.code() == 504 ? "timeout_error" : "upstream_error";
        FullHttpResponse error = request.dialect().error(client.alloc(), status, message, type, null, result);
        answerHeaders.decorate(error);
        client.writeAndFlush(error);
        finish(status.code(), result, false);
    }

    /** A stream already started: end it with a terminal error event and no {@code [DONE]}. */
    void endStreamWithError(String result, String message) {
        if (state == State.DONE) {
            return;
        }
        closeUpstream();
        client.write(new DefaultHttpContent(request.dialect().streamError(client.alloc(), message, "upstream_error",
                result)));
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        finish(head.status().code(), result, false);
    }

    /** The provider ended the stream with an error event the client already got: end it without adding another. */
    void endStreamAfterProviderError() {
        if (state == State.DONE) {
            return;
        }
        closeUpstream();
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        finish(head.status().code(), "upstream_error", false);
    }

    private void closeUpstream() {
        if (upstream != null) {
            upstream.pipeline().get(UpstreamResponseHandler.class).unbind();
            upstream.close();
            upstream = null;
        }
    }

    /** Ends the attempt having written nothing to the client: another attempt answers instead. */
    void finishUnanswered(int status, String result, boolean reuseUpstream) {
        answeredClient = false;
        finish(status, result, reuseUpstream);
    }

    /** Ends the attempt: stops the timers, releases what is still held, and reports the outcome. */
    void finish(int status, String result, boolean reuseUpstream) {
        state = State.DONE;
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
        if (body != null) {
            body.release();
            body = null;
        }
        if (buffered != null) {
            buffered.close();
        }
        if (streamed != null) {
            streamed.close();
        }
        if (upstream != null) {
            upstream.pipeline().get(UpstreamResponseHandler.class).unbind();
            if (reuseUpstream) {
                pool.release(upstream);
            } else {
                upstream.close();
            }
            upstream = null;
        }
        long upstreamNanos = sentNanos == 0 ? 0 : System.nanoTime() - sentNanos;
        whenDone.accept(new RelayOutcome(status, result, tap.usage(), upstreamNanos, firstByteNanos, headNanos,
                retryAfter, answeredClient, tap.usage() == null ? null : cost()));
    }

    /**
     * The provider asked for a wait in its error body rather than a header: it parks the
     * deployment like a {@code Retry-After} header would, and the client is told it.
     */
    void retryAfterFromBody(Duration wait) {
        if (retryAfter == null) {
            retryAfter = wait;
            bodyRetryAfter = wait;
        }
    }

    /** The body's wait when no header gave one, for the answer's {@code Retry-After}; else null. */
    Duration bodyRetryAfter() {
        return bodyRetryAfter;
    }

    /** What the reported usage costs at today's (UTC) prices. */
    Cost cost() {
        // Asked for by the answer's header or trailer and by the outcome: priced once.
        if (cost == null) {
            cost = costs.cost(target.deployment(), target.provider(), tap.usage().tokens(),
                    LocalDate.ofEpochDay(Math.floorDiv(System.currentTimeMillis(), MILLIS_PER_DAY)));
        }
        return cost;
    }
}
