package io.brokle.proxy.http;

import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Provider;
import io.brokle.proxy.route.RouteSelector;
import io.brokle.proxy.sse.Usage;
import io.brokle.proxy.upstream.MockUpstreams;
import io.brokle.proxy.upstream.RelayOutcome;
import io.brokle.proxy.upstream.RelayRequest;
import io.brokle.proxy.upstream.UpstreamPool;
import io.brokle.proxy.upstream.UpstreamRelay;
import io.brokle.proxy.upstream.UpstreamTarget;
import io.netty.buffer.ByteBuf;
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
 * OpenAI endpoints by sniffing the body, choosing a deployment and handing the request to an
 * {@link UpstreamRelay}. One per connection (or HTTP/2 stream), since it holds the relay in
 * flight: a client that goes away cancels it, and the client's writability paces it.
 * Owns the request; the body passes to the relay, everything else is released here.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final GatewayState state;
    private final UpstreamPool pool;
    private final MockUpstreams mocks;
    private final RouteSelector routes;
    private UpstreamRelay inFlight;

    public RelayHandler(GatewayState state, UpstreamPool pool, MockUpstreams mocks, RouteSelector routes) {
        this.state = state;
        this.pool = pool;
        this.mocks = mocks;
        this.routes = routes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof AuthenticatedRequest authenticated)) {
            ctx.fireChannelRead(msg);
            return;
        }
        FullHttpRequest request = authenticated.request();
        String path = new QueryStringDecoder(request.uri()).path();
        if (path.equals("/v1/models")) {
            request.release();
            if (request.method() != HttpMethod.GET) {
                methodNotAllowed(ctx, "GET");
            } else {
                listModels(ctx, authenticated);
            }
            return;
        }
        Endpoint endpoint = Endpoint.forPath(path).orElse(null);
        if (endpoint == null) {
            request.release();
            Answers.send(ctx, state, ErrorResponses.notFound(ctx.alloc(), "Unknown request URL: "
                    + request.method() + " " + truncate(path) + "."), "none", "none", "not_found", false);
            return;
        }
        if (request.method() != HttpMethod.POST) {
            request.release();
            methodNotAllowed(ctx, "POST");
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
            Answers.send(ctx, state, ErrorResponses.badRequest(ctx.alloc(), e.getMessage(), e.param()),
                    endpoint.label(), "none", "bad_request", false);
            return;
        }
        GatewaySnapshot snapshot = authenticated.snapshot();
        RouteSelector.Selection selection = routes.select(snapshot, authenticated.key(), sniffed.model());
        if (!selection.ok()) {
            request.release();
            refuseRoute(ctx, endpoint, sniffed.model(), selection.refusal());
            return;
        }
        Deployment deployment = selection.deployment();
        Provider provider = snapshot.providers().get(deployment.provider());
        UpstreamTarget target = UpstreamTarget.of(provider, deployment, endpoint, mocks.addressOf(provider));
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        ByteBuf body = BodyRewriter.rewrite(request.content().retain(), sniffed, deployment.model(), true);
        request.release();
        RelayRequest relayRequest = new RelayRequest(endpoint, ctx.channel().attr(GatewayState.REQUEST_ID).get(),
                sniffed.stream(), sniffed.includeUsage(), accept, state.draining());
        String model = sniffed.model();
        inFlight = new UpstreamRelay(ctx, pool, target, relayRequest, body,
                outcome -> relayFinished(ctx, endpoint, model, provider, outcome));
        inFlight.start();
    }

    private void relayFinished(ChannelHandlerContext ctx, Endpoint endpoint, String model, Provider provider,
                               RelayOutcome outcome) {
        inFlight = null;
        var metrics = state.metrics();
        Usage usage = outcome.usage();
        if (usage != null) {
            metrics.tokens(model, usage.promptTokens(), usage.completionTokens(), usage.cachedTokens());
        }
        if (outcome.upstreamNanos() > 0) {
            metrics.upstreamLatency(provider.name(), outcome.upstreamNanos());
        }
        if (outcome.firstByteNanos() > 0) {
            metrics.timeToFirstToken(model, outcome.firstByteNanos());
        }
        Answers.finished(ctx, state, endpoint.label(), model, outcome.status(), outcome.ok() ? null : outcome.result());
    }

    private void refuseRoute(ChannelHandlerContext ctx, Endpoint endpoint, String model, RouteSelector.Refusal refusal) {
        FullHttpResponse r = switch (refusal) {
            case UNKNOWN_MODEL -> ErrorResponses.response(ctx.alloc(), HttpResponseStatus.NOT_FOUND,
                    "The model `" + truncate(model) + "` does not exist or you do not have access to it.",
                    "invalid_request_error", "model", "model_not_found");
            case MODEL_NOT_ALLOWED -> ErrorResponses.response(ctx.alloc(), HttpResponseStatus.FORBIDDEN,
                    "This API key is not allowed to use the model `" + truncate(model) + "`.",
                    "invalid_request_error", "model", "model_not_allowed");
            case NO_USABLE_DEPLOYMENT -> ErrorResponses.response(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "The model `" + truncate(model) + "` is configured but none of its providers is enabled "
                            + "(check that their API key variables are set).",
                    "upstream_error", "model", "model_unavailable");
        };
        String label = refusal == RouteSelector.Refusal.UNKNOWN_MODEL ? "none" : model;
        Answers.send(ctx, state, r, endpoint.label(), label, refusal.name().toLowerCase(java.util.Locale.ROOT), false);
    }

    private void listModels(ChannelHandlerContext ctx, AuthenticatedRequest authenticated) {
        StringBuilder json = new StringBuilder("{\"object\":\"list\",\"data\":[");
        boolean first = true;
        for (String model : authenticated.snapshot().servableModels()) {
            if (!authenticated.key().allows(model)) {
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

    private void methodNotAllowed(ChannelHandlerContext ctx, String allowed) {
        FullHttpResponse r = ErrorResponses.response(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED,
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
