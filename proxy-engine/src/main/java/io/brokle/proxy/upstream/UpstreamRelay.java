package io.brokle.proxy.upstream;

import io.brokle.config.Cost;
import io.brokle.config.CostCalculator;
import io.brokle.proxy.adapt.ResponseTranslator;
import io.brokle.proxy.http.ErrorResponses;
import io.brokle.proxy.sse.SseEventKind;
import io.brokle.proxy.sse.SseFrameSplitter;
import io.brokle.proxy.sse.UsageTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Relays one request to one upstream and its answer back to the client, on the client's event
 * loop. Streamed answers ({@code text/event-stream}) are cut into whole events and written to
 * the client as they arrive, with usage read on the way and the upstream paused while the
 * client cannot keep up. Any other answer is collected whole (bounded), checked, and written
 * at once, so that a malformed or non-OpenAI answer becomes a clean 502 instead of garbage.
 *
 * <p>Failure before anything reached the client is an OpenAI error response (502, or 504 for
 * timeouts). Failure after a stream started ends it with a terminal {@code data: {"error":...}}
 * event and no {@code [DONE]}, so a client never mistakes a cut answer for a whole one.
 *
 * <p>Ownership: the relay owns the request body until it is written upstream, every response
 * part it is handed, and the buffers it accumulates; each path ends in write or release. The
 * upstream connection returns to the pool only after an answer ended cleanly.
 */
public final class UpstreamRelay {
    /** An answer collected whole larger than this is refused with 502. */
    public static final int MAX_BUFFERED_RESPONSE_BYTES = 64 * 1024 * 1024;

    private enum State { CONNECTING, WAITING_HEAD, STREAMING, BUFFERING, DONE }

    private final ChannelHandlerContext client;
    private final UpstreamPool pool;
    private final UpstreamTarget target;
    private final RelayRequest request;
    private final Consumer<RelayOutcome> whenDone;
    private final AttemptPolicy policy;
    private final CostCalculator costs;
    private final ResponseTranslator translator;
    private final EventLoop loop;
    private final UsageTap tap = new UsageTap();

    private ByteBuf body;
    private State state = State.CONNECTING;
    private Channel upstream;
    private HttpResponse head;
    private CompositeByteBuf buffered;
    private SseFrameSplitter splitter;
    private boolean sawDone;
    private boolean flushPending;
    private boolean sent;
    private boolean answeredClient = true;
    private long headNanos;
    private Duration retryAfter;
    private long startNanos;
    private long sentNanos;
    private long firstByteNanos;
    private long lastActivityNanos;
    private ScheduledFuture<?> firstByteTimer;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> totalTimer;

    /**
     * @param body       ownership passes to the relay
     * @param translator turns a translated provider's answers into OpenAI's format; {@code null}
     *                   for OpenAI-format providers, whose answers pass as they are
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
    }

    public void start() {
        startNanos = System.nanoTime();
        long total = target.provider().timeouts().total().toNanos();
        if (request.deadlineNanos() != 0) {
            // A retry gets what is left of the client's request, never a fresh full allowance.
            total = Math.max(0, Math.min(total, request.deadlineNanos() - startNanos));
        }
        totalTimer = loop.schedule(this::onTotalTimeout, total, TimeUnit.NANOSECONDS);
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
                    "Could not connect to provider \"" + target.provider().name() + "\": " + describe(acquired.cause()));
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
        h.set(HttpHeaderNames.USER_AGENT, "brokle");
        for (var header : target.headers()) {
            h.set(header.getKey(), header.getValue());
        }
        state = State.WAITING_HEAD;
        sentNanos = System.nanoTime();
        upstream.writeAndFlush(out).addListener(w -> {
            if (w.isSuccess()) {
                sent = true;
            } else if (state == State.WAITING_HEAD) {
                failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_unavailable",
                        "Could not send the request to provider \"" + target.provider().name() + "\": "
                                + describe(w.cause()));
            }
        });
        firstByteTimer = schedule(target.provider().timeouts().firstByte(), this::onFirstByteTimeout);
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
        } catch (SseFrameSplitter.EventTooLargeException e) {
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
                            + describe(response.decoderResult().cause()));
            return;
        }
        if (response.status().code() == 100) {
            ReferenceCountUtil.release(msg);
            return;
        }
        cancel(firstByteTimer);
        head = response;
        sent = true;
        headNanos = System.nanoTime() - startNanos;
        retryAfter = RetryAfter.parse(response.headers().get("retry-after"), response.headers().get("retry-after-ms"),
                java.time.Instant.now());
        lastActivityNanos = loop.ticker().nanoTime();
        idleTimer = schedule(target.provider().timeouts().idle(), this::onIdleCheck);
        String contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        boolean success = response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.SUCCESS;
        if (success && contentType.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
            state = State.STREAMING;
            splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES);
            client.write(streamHead(response));
            flushPending = true;
            if (msg instanceof HttpContent content) {
                onStreamContent(content);
            }
        } else {
            state = State.BUFFERING;
            buffered = client.alloc().compositeBuffer(64);
            if (msg instanceof HttpContent content) {
                onBufferedContent(content);
            }
        }
    }

    private void onStreamContent(HttpContent content) {
        lastActivityNanos = loop.ticker().nanoTime();
        boolean last = content instanceof LastHttpContent;
        boolean broken = content.decoderResult().isFailure();
        ByteBuf events = translator == null ? splitter.split(content.content(), this::keepEvent)
                : translateEvents(content.content());
        if (events.isReadable()) {
            if (firstByteNanos == 0) {
                firstByteNanos = System.nanoTime() - startNanos;
            }
            client.write(new DefaultHttpContent(events));
            flushPending = true;
        } else {
            events.release();
        }
        if (broken) {
            endStreamWithError("upstream_truncated", "The provider's stream was cut off: "
                    + describe(content.decoderResult().cause()));
            return;
        }
        if (last) {
            if (!sawDone) {
                // A stream that ends without [DONE] was cut (some upstreams end by closing the
                // connection, which HTTP reports as a normal end): never pass it off as whole.
                endStreamWithError("upstream_truncated", "The provider's stream ended before [DONE].");
                return;
            }
            client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            finish(head.status().code(), "ok", HttpUtil.isKeepAlive(head) && splitter.pendingBytes() == 0);
            return;
        }
        if (!client.channel().isWritable()) {
            client.flush();
            flushPending = false;
            upstream.config().setAutoRead(false);
        }
    }

    /**
     * The upstream's current read is over: send what it brought. Flushing once per read rather
     * than per event batches events that arrived together into one write, without delaying any
     * event past the read it came in.
     */
    void onUpstreamReadComplete() {
        if (flushPending && state == State.STREAMING) {
            flushPending = false;
            client.flush();
        }
    }

    /** A translated provider's events, as the OpenAI events the client gets (kept by the same rules). */
    private ByteBuf translateEvents(ByteBuf chunk) {
        java.util.List<String> translated = new java.util.ArrayList<>();
        splitter.split(chunk, event -> {
            translated.addAll(translator.event(event));
            return false;
        }).release();
        if (translated.isEmpty()) {
            return io.netty.buffer.Unpooled.EMPTY_BUFFER;
        }
        ByteBuf out = client.alloc().buffer();
        for (String event : translated) {
            ByteBuf bytes = io.netty.buffer.Unpooled.wrappedBuffer(event.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (keepEvent(bytes)) {
                out.writeBytes(bytes);
            }
        }
        return out;
    }

    private boolean keepEvent(ByteBuf event) {
        SseEventKind kind = tap.inspectEvent(event);
        if (kind == SseEventKind.DONE) {
            sawDone = true;
        }
        return kind != SseEventKind.USAGE_ONLY || request.clientAskedUsage();
    }

    private void onBufferedContent(HttpContent content) {
        lastActivityNanos = loop.ticker().nanoTime();
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_truncated",
                    "Provider \"" + target.provider().name() + "\" closed the connection before its answer was complete.");
            return;
        }
        buffered.addComponent(true, content.content());
        if (buffered.readableBytes() > MAX_BUFFERED_RESPONSE_BYTES) {
            failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_malformed",
                    "Provider \"" + target.provider().name() + "\" sent an answer larger than "
                            + MAX_BUFFERED_RESPONSE_BYTES + " bytes.");
            return;
        }
        if (last) {
            answerBuffered();
        }
    }

    private void answerBuffered() {
        int status = head.status().code();
        ByteBuf answer = buffered;
        buffered = null;
        boolean success = status >= 200 && status < 300;
        if (translator != null) {
            try {
                byte[] translated;
                if (success) {
                    translated = translator.answer(answer);
                } else {
                    var error = translator.error(status, answer);
                    status = error.status();
                    translated = error.json().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                answer.release();
                answer = client.alloc().buffer(translated.length).writeBytes(translated);
            } catch (io.brokle.proxy.adapt.anthropic.TranslationException e) {
                answer.release();
                failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_malformed", e.getMessage());
                return;
            }
        }
        HttpResponseStatus answerStatus = HttpResponseStatus.valueOf(status);
        boolean wellFormed = tap.inspectBody(answer);
        if (!success && policy.retryInstead(new AttemptFailure(status, "upstream_error", true, true,
                wellFormed ? ErrorDocuments.errorCode(answer) : null, retryAfter))) {
            answer.release();
            answeredClient = false;
            finish(status, "upstream_error", HttpUtil.isKeepAlive(head));
            return;
        }
        if (!wellFormed || !success && !ErrorDocuments.isErrorDocument(answer)) {
            answer.release();
            String why = success
                    ? "Provider \"" + target.provider().name() + "\" returned a malformed answer (not a JSON object)."
                    : "Provider \"" + target.provider().name() + "\" answered HTTP " + status + " without an error document.";
            failBeforeAnswer(HttpResponseStatus.BAD_GATEWAY, "upstream_malformed", why);
            return;
        }
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, answerStatus, answer);
        copyPassThroughHeaders(head.headers(), out.headers());
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.readableBytes());
        decorate(out);
        if (success && tap.usage() != null) {
            out.headers().set("x-brokle-cost-usd", costHeader(cost()));
        }
        client.writeAndFlush(out);
        finish(status, success ? "ok" : "upstream_error", HttpUtil.isKeepAlive(head));
    }

    private HttpResponse streamHead(HttpResponse upstreamHead) {
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, upstreamHead.status());
        copyPassThroughHeaders(upstreamHead.headers(), out.headers());
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, upstreamHead.headers().get(HttpHeaderNames.CONTENT_TYPE));
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        out.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        decorate(out);
        return out;
    }

    private void decorate(HttpResponse out) {
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

    /** Upstream headers a client may rely on: rate-limit state and when to retry. Nothing else crosses. */
    private static void copyPassThroughHeaders(HttpHeaders from, HttpHeaders to) {
        for (var e : from) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("retry-after") || name.equals("retry-after-ms") || name.startsWith("x-ratelimit-")) {
                to.add(name, e.getValue());
            }
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
                    "upstream_unavailable", "Provider \"" + target.provider().name() + "\" failed: " + describe(cause));
            case STREAMING -> endStreamWithError("upstream_truncated", "The provider's stream failed: " + describe(cause));
            default -> {
            }
        }
    }

    /** The client can take more data again: resume reading from the upstream. */
    public void clientWritabilityChanged() {
        if (state == State.STREAMING && client.channel().isWritable()) {
            upstream.config().setAutoRead(true);
            upstream.read();
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

    private void onFirstByteTimeout() {
        if (state == State.WAITING_HEAD || state == State.CONNECTING) {
            failBeforeAnswer(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout",
                    "Provider \"" + target.provider().name() + "\" did not answer within "
                            + human(target.provider().timeouts().firstByte()) + ".");
        }
    }

    private void onIdleCheck() {
        if (state != State.STREAMING && state != State.BUFFERING) {
            return;
        }
        long idleNanos = target.provider().timeouts().idle().toNanos();
        long quietFor = loop.ticker().nanoTime() - lastActivityNanos;
        if (quietFor < idleNanos) {
            idleTimer = loop.schedule(this::onIdleCheck, idleNanos - quietFor, TimeUnit.NANOSECONDS);
            return;
        }
        String message = "Provider \"" + target.provider().name() + "\" sent nothing for "
                + human(target.provider().timeouts().idle()) + ".";
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
                        + human(target.provider().timeouts().total()) + ".";
        if (state == State.STREAMING) {
            endStreamWithError("upstream_timeout", message);
        } else if (state != State.DONE) {
            failBeforeAnswer(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream_timeout", message);
        }
    }

    private void failBeforeAnswer(HttpResponseStatus status, String result, String message) {
        if (state == State.DONE) {
            return;
        }
        closeUpstream();
        if (policy.retryInstead(new AttemptFailure(status.code(), result, sent, false, null, null))) {
            answeredClient = false;
            finish(status.code(), result, false);
            return;
        }
        String type = status.code() == 504 ? "timeout_error" : "upstream_error";
        FullHttpResponse error = ErrorResponses.response(client.alloc(), status, message, type, null, result);
        decorate(error);
        client.writeAndFlush(error);
        finish(status.code(), result, false);
    }

    private void endStreamWithError(String result, String message) {
        if (state == State.DONE) {
            return;
        }
        closeUpstream();
        client.write(new DefaultHttpContent(ErrorResponses.streamEvent(client.alloc(), message, "upstream_error", result)));
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        finish(head.status().code(), result, false);
    }

    private void closeUpstream() {
        if (upstream != null) {
            upstream.pipeline().get(UpstreamResponseHandler.class).unbind();
            upstream.close();
            upstream = null;
        }
    }

    private void finish(int status, String result, boolean reuseUpstream) {
        state = State.DONE;
        cancel(firstByteTimer);
        cancel(idleTimer);
        cancel(totalTimer);
        if (body != null) {
            body.release();
            body = null;
        }
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
        if (splitter != null) {
            splitter.close();
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

    /** What the reported usage costs at today's (UTC) prices. */
    private Cost cost() {
        return costs.cost(target.deployment(), target.provider(), tap.usage().tokens(), LocalDate.now(ZoneOffset.UTC));
    }

    /** Dollars with up to 10 decimals, or {@code unpriced}: an unknown price is never shown as 0. */
    private static String costHeader(Cost cost) {
        return cost.priced() ? cost.usd().stripTrailingZeros().toPlainString() : "unpriced";
    }

    private ScheduledFuture<?> schedule(Duration after, Runnable task) {
        return loop.schedule(task, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** A cause for a client-facing message: its kind and message, never a stack trace. */
    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        Throwable root = t;
        boolean tls = false;
        while (true) {
            tls |= root instanceof javax.net.ssl.SSLException;
            if (root.getCause() == null || root.getCause() == root) {
                break;
            }
            root = root.getCause();
        }
        String m = root.getMessage();
        String kind = tls ? "TLS failed" : switch (root) {
            case io.netty.channel.ConnectTimeoutException c -> "connect timed out";
            case java.net.ConnectException c -> "connection refused";
            case java.nio.channels.ClosedChannelException c -> "connection closed";
            default -> "connection error";
        };
        return m == null ? kind : kind + " (" + (m.length() > 160 ? m.substring(0, 160) : m) + ")";
    }
}
