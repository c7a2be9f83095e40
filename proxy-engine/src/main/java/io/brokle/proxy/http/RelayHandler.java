package io.brokle.proxy.http;

import io.brokle.config.GatewaySnapshot;
import io.brokle.proxy.route.RouteSelector;
import io.brokle.proxy.sse.Usage;
import io.brokle.proxy.upstream.RelayOutcome;
import io.brokle.proxy.upstream.RelayRequest;
import io.brokle.proxy.upstream.RoutedExchange;
import io.brokle.proxy.upstream.RoutedOutcome;
import io.brokle.proxy.upstream.Upstreams;
import java.util.concurrent.TimeUnit;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Serves an {@link AuthenticatedRequest}: {@code GET /v1/models} from the snapshot, and the
 * relayed endpoints (OpenAI's, and Anthropic's {@code /v1/messages}) by sniffing the body,
 * planning the deployments to try and handing the request to a {@link RoutedExchange}. Every
 * error it answers is in the client's format ({@link ClientDialect}). One per connection (or HTTP/2 stream), since it holds
 * the exchange in flight: a client that goes away cancels it, and the client's writability
 * paces it. Owns the request; the body passes to the exchange, everything else is released here.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final GatewayState state;
    private final Upstreams upstreams;
    private RoutedExchange inFlight;

    public RelayHandler(GatewayState state, Upstreams upstreams) {
        this.state = state;
        this.upstreams = upstreams;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof AuthenticatedRequest authenticated)) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = authenticated.request();
        String path = new QueryStringDecoder(request.uri()).path();
        ClientDialect dialect = ClientDialect.forUri(path);
        if (path.equals("/v1/models")) {
            request.release();
            if (request.method() != HttpMethod.GET) {
                methodNotAllowed(ctx, dialect, "GET");
            } else {
                listModels(ctx, authenticated);
            }
            return;
        }
        Endpoint endpoint = Endpoint.forPath(path).orElse(null);
        if (endpoint == null) {
            request.release();
            Answers.send(ctx, state, dialect.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "Unknown request URL: "
                    + request.method() + " " + truncate(path) + ".", "invalid_request_error", null, "not_found"),
                    "none", "none", "not_found", false);
            return;
        }
        if (request.method() != HttpMethod.POST) {
            request.release();
            methodNotAllowed(ctx, dialect, "POST");
            return;
        }
        relay(ctx, authenticated, endpoint);
    }

    private void relay(ChannelHandlerContext ctx, AuthenticatedRequest authenticated, Endpoint endpoint) {
        FullHttpRequest request = authenticated.request();
        SniffedRequest sniffed;
        try {
            sniffed = RequestSniffer.sniff(request.content(), endpoint);
        } catch (BadRequestException e) {
            request.release();
            Answers.send(ctx, state, endpoint.dialect().error(ctx.alloc(), HttpResponseStatus.BAD_REQUEST,
                    e.getMessage(), "invalid_request_error", e.param(), null), endpoint.label(), "none", "bad_request",
                    false);
            return;
        }
        GatewaySnapshot snapshot = authenticated.snapshot();
        RouteSelector.Plan plan = upstreams.routes().plan(snapshot, authenticated.key(), sniffed.model());
        if (!plan.ok()) {
            request.release();
            refuseRoute(ctx, endpoint, sniffed.model(), plan);
            return;
        }
        RelayRequest relayRequest = new RelayRequest(endpoint, ctx.channel().attr(GatewayState.REQUEST_ID).get(),
                sniffed.stream(), sniffed.includeUsage(), request.headers().get(HttpHeaderNames.ACCEPT),
                state.draining(), 1, 0, endpoint.dialect().formatHeaders(request.headers()));
        String model = sniffed.model();
        RoutedExchange exchange = new RoutedExchange(ctx, upstreams, plan, sniffed, request.content().retain(),
                relayRequest, outcome -> relayFinished(ctx, endpoint, model, outcome));
        request.release();
        inFlight = exchange;
        if (!exchange.start()) {
            inFlight = null;
            refuseRoute(ctx, endpoint, model, new RouteSelector.Plan(java.util.List.of(), plan.route(),
                    RouteSelector.Refusal.ALL_BREAKERS_OPEN, 0));
        }
    }

    private void relayFinished(ChannelHandlerContext ctx, Endpoint endpoint, String model, RoutedOutcome routed) {
        inFlight = null;
        RelayOutcome outcome = routed.last();
        var metrics = state.metrics();
        Usage usage = outcome.usage();
        if (usage != null) {
            metrics.tokens(model, usage.promptTokens(), usage.completionTokens(), usage.cachedTokens());
        }
        if (outcome.cost() != null) {
            metrics.cost(model, outcome.cost().usd());
        }
        if (outcome.upstreamNanos() > 0) {
            metrics.upstreamLatency(routed.candidate().provider().name(), outcome.upstreamNanos());
        }
        if (outcome.firstByteNanos() > 0) {
            metrics.timeToFirstToken(model, outcome.firstByteNanos());
        }
        Answers.finished(ctx, state, endpoint.label(), model, outcome.status(), outcome.ok() ? null : outcome.result());
    }

    private void refuseRoute(ChannelHandlerContext ctx, Endpoint endpoint, String model, RouteSelector.Plan plan) {
        RouteSelector.Refusal refusal = plan.refusal();
        ClientDialect dialect = endpoint.dialect();
        FullHttpResponse r = switch (refusal) {
            case UNKNOWN_MODEL -> dialect.error(ctx.alloc(), HttpResponseStatus.NOT_FOUND,
                    "The model `" + truncate(model) + "` does not exist or you do not have access to it.",
                    "invalid_request_error", "model", "model_not_found");
            case MODEL_NOT_ALLOWED -> dialect.error(ctx.alloc(), HttpResponseStatus.FORBIDDEN,
                    "This API key is not allowed to use the model `" + truncate(model) + "`.",
                    "invalid_request_error", "model", "model_not_allowed");
            case NO_USABLE_DEPLOYMENT -> dialect.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "The model `" + truncate(model) + "` is configured but none of its providers is enabled "
                            + "(check that their API key variables are set).",
                    "upstream_error", "model", "model_unavailable");
            case ALL_COOLING_DOWN -> {
                FullHttpResponse limited = dialect.error(ctx.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS,
                        "Every provider of the model `" + truncate(model) + "` asked to wait; retry after the "
                                + "Retry-After delay.", "rate_limit_error", null, "upstream_rate_limited");
                long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(plan.waitNanos() + 999_999_999L));
                limited.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(seconds));
                yield limited;
            }
            case ALL_BREAKERS_OPEN -> dialect.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "Every provider of the model `" + truncate(model) + "` is failing; the gateway is giving them "
                            + "a moment to recover.", "upstream_error", "model", "model_unavailable");
        };
        String label = refusal == RouteSelector.Refusal.UNKNOWN_MODEL ? "none" : model;
        Answers.send(ctx, state, r, endpoint.label(), label, refusal.name().toLowerCase(java.util.Locale.ROOT), false);
    }

    private void listModels(ChannelHandlerContext ctx, AuthenticatedRequest authenticated) {
        StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
        boolean first = true;
        for (String model : authenticated.snapshot().servableModels()) {
            if (!authenticated.key().allows(model)
                    && !authenticated.key().allows(authenticated.snapshot().routes().get(model).model())) {
                continue;
            }
            json.append(first ? "" : ",").append("{\"id\":")
                    .append(quote(model)).append(",\"object\":\"model\",\"created\":0,\"owned_by\":\"brokle\"}");
            first = false;
        }
        json.append("]}");
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                ctx.alloc().buffer(bytes.length).writeBytes(bytes));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        Answers.send(ctx, state, r, "models", "none", null, false);
    }

    private void methodNotAllowed(ChannelHandlerContext ctx, ClientDialect dialect, String allowed) {
        FullHttpResponse r = dialect.error(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
                "This endpoint only accepts " + allowed + ".", "invalid_request_error", null, "method_not_allowed");
        r.headers().set(HttpHeaderNames.ALLOW, allowed);
        Answers.send(ctx, state, r, "none", "none", "bad_request", false);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (inFlight != null) {
            inFlight.cancel();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (inFlight != null) {
            inFlight.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private static String quote(String s) {
        return "\"" + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }
}
