package io.brokle.proxy.upstream;

import io.brokle.proxy.adapt.TranslationException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.brokle.proxy.http.SniffedRequest;
import io.brokle.proxy.route.CircuitBreaker;
import io.brokle.proxy.route.RetryRule;
import io.brokle.proxy.route.RouteSelector.Candidate;
import io.brokle.proxy.route.RouteSelector.Plan;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one client request through its route plan: one {@link UpstreamRelay} per attempt. When
 * an attempt fails before anything reached the client and {@link RetryRule} allows it, the next
 * candidate is tried (the next deployment, or the next route on context-window and
 * content-policy errors), within the route's attempt limit, the first provider's total
 * deadline, and the failed deployment's retry budget. Retrying the same deployment waits a
 * jittered backoff; moving to another does not. A deployment that asked for time
 * ({@code Retry-After}) or whose breaker refuses is skipped. Each attempt's result feeds the
 * deployment's breaker, cool-down and latency average; a client that leaves cancels the
 * attempt in flight at once.
 *
 * <p>Owns the client's body until the request ends; each attempt gets its own (retained) view.
 * Runs on the client's event loop.
 */
public final class RoutedExchange {
    private static final Duration DEFAULT_COOL_DOWN = Duration.ofSeconds(1);

    private final ChannelHandlerContext client;
    private final Upstreams upstreams;
    private final List<Candidate> candidates;
    private final int maxAttempts;
    private final RelayRequest request;
    private final Consumer<RoutedOutcome> whenDone;
    private final AttemptPreparer preparer;
    private final SniffedRequest sniffed;
    private final long deadlineNanos;
    private ByteBuf body;
    private int index;
    private int attempt;
    private UpstreamRelay current;
    private ScheduledFuture<?> backoffTimer;
    private int nextIndex = -1;
    private int pendingIndex = -1;
    private long nextDelayNanos;
    private boolean done;

    /**
     * @param body ownership passes to the exchange
     */
    public RoutedExchange(ChannelHandlerContext client, Upstreams upstreams, Plan plan, SniffedRequest sniffed,
                          ByteBuf body, RelayRequest request, Consumer<RoutedOutcome> whenDone) {
        this.client = client;
        this.upstreams = upstreams;
        this.candidates = plan.candidates();
        this.maxAttempts = plan.route().maxAttempts();
        this.body = body;
        this.request = request;
        this.whenDone = whenDone;
        this.sniffed = sniffed;
        this.preparer = switch (request.dialect()) {
            case OPENAI -> OpenAiAttempts.INSTANCE;
            case ANTHROPIC -> new AnthropicClientAttempts();
        };
        this.deadlineNanos = System.nanoTime() + candidates.get(0).deployment().timeoutsWith(candidates.get(0).provider()).total().toNanos();
    }

    /** Starts the first attempt; false (and nothing written, body released) when every candidate's breaker refused. */
    public boolean start() {
        int first = nextAdmitted(0, candidates.size());
        if (first < 0) {
            releaseBody();
            done = true;
            return false;
        }
        upstreams.health().earnRetry(candidates.get(first).deployment().name());
        attempt(first);
        return true;
    }

    private void attempt(int candidateIndex) {
        index = candidateIndex;
        attempt++;
        Candidate c = candidates.get(index);
        upstreams.health().started(c.deployment().name());
        PreparedAttempt prepared;
        try {
            prepared = preparer.prepare(c, body, sniffed, request, upstreams.mocks(), client.alloc());
        } catch (TranslationException e) {
            refuseUntranslatable(c, e);
            return;
        }
        current = new UpstreamRelay(client, upstreams.pool(), prepared.target(), request.withAttempt(attempt, deadlineNanos),
                prepared.body(), prepared.translator(), this::retryInstead, upstreams.costs(), outcome -> attemptDone(c, outcome));
        current.start();
    }

    /** The request cannot be expressed for this provider: the client gets the reason, the provider nothing. */
    private void refuseUntranslatable(Candidate c, TranslationException e) {
        upstreams.health().finished(c.deployment().name());
        upstreams.health().breaker(c.deployment().name()).onCancelled();
        HttpResponseStatus status = HttpResponseStatus.valueOf(e.status());
        FullHttpResponse r = request.dialect().error(client.alloc(), status, e.getMessage(), e.type(), e.param(), e.code());
        r.headers().set("x-request-id", request.requestId());
        client.writeAndFlush(r);
        finish(new RoutedOutcome(new RelayOutcome(status.code(), status.code() == 400 ? "bad_request" : "upstream_malformed",
                null, 0, 0, 0, null, true, null), c, attempt));
    }

    /** Called by the relay, synchronously, when its attempt failed before answering the client. */
    private boolean retryInstead(AttemptFailure failure) {
        Candidate failed = candidates.get(index);
        if (failure.status() == 429) {
            upstreams.health().coolDown(failed.deployment().name(),
                    failure.retryAfter() != null ? failure.retryAfter() : DEFAULT_COOL_DOWN);
        }
        RetryRule.Decision decision = RetryRule.decide(failure.status(), failure.result(), failure.sent(),
                failure.answered(), failure.errorCode());
        if (decision == RetryRule.Decision.GIVE_UP || attempt >= maxAttempts || System.nanoTime() >= deadlineNanos) {
            return false;
        }
        boolean reroute = decision == RetryRule.Decision.NEXT_ROUTE;
        int next = reroute ? nextRoute(failed) : nextAdmittedAfter(index);
        // Moving to a fallback route after a context-window or policy error is a planned
        // reroute, not pressure on a failing provider: it does not spend the retry budget.
        if (next < 0 || !reroute && !upstreams.health().trySpendRetry(failed.deployment().name())) {
            if (next >= 0) {
                upstreams.health().breaker(candidates.get(next).deployment().name()).onCancelled();
            }
            return false;
        }
        nextIndex = next;
        boolean sameDeployment = candidates.get(next).deployment().name().equals(failed.deployment().name());
        nextDelayNanos = sameDeployment ? upstreams.backoff().delayNanos(attempt) : 0;
        if (System.nanoTime() + nextDelayNanos >= deadlineNanos) {
            upstreams.health().breaker(candidates.get(next).deployment().name()).onCancelled();
            nextIndex = -1;
            return false;
        }
        return true;
    }

    private void attemptDone(Candidate c, RelayOutcome outcome) {
        current = null;
        String name = c.deployment().name();
        upstreams.health().finished(name);
        recordHealth(name, outcome);
        upstreams.metrics().attempt(c.provider().name(), name, outcome.answeredClient() ? outcome.result() : "retried");
        if (outcome.answeredClient()) {
            finish(new RoutedOutcome(outcome, c, attempt));
            return;
        }
        int next = nextIndex;
        nextIndex = -1;
        if (nextDelayNanos == 0) {
            attempt(next);
        } else {
            pendingIndex = next;
            backoffTimer = client.channel().eventLoop().schedule(() -> {
                backoffTimer = null;
                pendingIndex = -1;
                if (!done) {
                    attempt(next);
                }
            }, nextDelayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void recordHealth(String deployment, RelayOutcome outcome) {
        CircuitBreaker breaker = upstreams.health().breaker(deployment);
        switch (outcome.result()) {
            case "ok" -> {
                breaker.onSuccess();
                if (outcome.headNanos() > 0) {
                    upstreams.health().recordLatency(deployment, outcome.headNanos());
                }
            }
            case "client_closed" -> breaker.onCancelled();
            case "upstream_error" -> {
                if (outcome.status() == 429) {
                    upstreams.health().coolDown(deployment,
                            outcome.retryAfter() != null ? outcome.retryAfter() : DEFAULT_COOL_DOWN);
                    breaker.onSuccess();
                } else if (outcome.status() >= 500) {
                    breaker.onFailure();
                } else {
                    breaker.onSuccess();
                }
            }
            default -> breaker.onFailure();
        }
    }

    /** The next candidate after {@code from} (wrapping round) that may be called now, reserved; -1 if none. */
    private int nextAdmittedAfter(int from) {
        int n = candidates.size();
        for (int step = 1; step <= n; step++) {
            int i = (from + step) % n;
            if (admit(candidates.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private int nextAdmitted(int from, int to) {
        for (int i = from; i < to; i++) {
            if (admit(candidates.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The first candidate of a later route than {@code failed}'s, reserved; -1 if none. */
    private int nextRoute(Candidate failed) {
        for (int i = index + 1; i < candidates.size(); i++) {
            if (!candidates.get(i).route().model().equals(failed.route().model()) && admit(candidates.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private boolean admit(Candidate c) {
        String name = c.deployment().name();
        return upstreams.health().coolingDownNanos(name) == 0
                && (upstreams.health().breaker(name).tryAcquire() || c.pastOpenBreaker());
    }

    /** The client went away: stop the attempt in flight (or the pending backoff) and release everything. */
    public void cancel() {
        if (done) {
            return;
        }
        if (current != null) {
            current.cancel();
        } else if (backoffTimer != null) {
            backoffTimer.cancel(false);
            backoffTimer = null;
            upstreams.health().breaker(candidates.get(pendingIndex).deployment().name()).onCancelled();
            pendingIndex = -1;
            finish(new RoutedOutcome(new RelayOutcome(499, "client_closed", null, 0, 0, 0, null, false, null),
                    candidates.get(index), attempt));
        }
    }

    public void clientWritabilityChanged() {
        if (current != null) {
            current.clientWritabilityChanged();
        }
    }

    private void finish(RoutedOutcome outcome) {
        done = true;
        releaseBody();
        whenDone.accept(outcome);
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
