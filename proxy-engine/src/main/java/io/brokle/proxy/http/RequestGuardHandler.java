package io.brokle.proxy.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * First gateway handler after aggregation: stamps the request (arrival time, request id,
 * active-request gauge) and refuses what cannot be handled at all: a request the HTTP decoder
 * could not parse (400; 431 for oversized headers; 414 for an oversized request line; the
 * connection closes, since its framing is lost) and a compressed body (415, since the gateway
 * reads the body and will not inflate untrusted input), each in the client's format
 * ({@link ClientDialect}). When the gateway is overloaded ({@link OverloadMonitor}) a request
 * for the API is shed at once with 503 and {@code Retry-After}; health and metrics are still
 * answered.
 * Owns the request only on the refusal paths, where it releases it.
 */
@Sharable
public final class RequestGuardHandler extends ChannelInboundHandlerAdapter {
    private final GatewayState state;

    public RequestGuardHandler(GatewayState state) {
        this.state = state;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ctx.channel().attr(GatewayState.RECEIVED_AT).set(System.nanoTime());
        ctx.channel().attr(GatewayState.REQUEST_ID).set(newRequestId());
        state.metrics().requestStarted();
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            ClientDialect dialect = ClientDialect.forUri(request.uri());
            request.release();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : HttpResponseStatus.BAD_REQUEST;
            String message = switch (status.code()) {
                case 431 -> "The request headers are too large.";
                case 414 -> "The request line is too long.";
                default -> cause instanceof TooLongFrameException ? "The request is too large."
                        : "The request is not valid HTTP.";
            };
            Answers.send(ctx, state, dialect.error(ctx.alloc(), status, message, "invalid_request_error", null, null),
                    "none", "none", "bad_request", true);
            return;
        }
        String encoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
        if (encoding != null && !encoding.trim().toLowerCase(Locale.ROOT).equals("identity")) {
            ClientDialect dialect = ClientDialect.forUri(request.uri());
            request.release();
            Answers.send(ctx, state, dialect.error(ctx.alloc(), HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Compressed request bodies are not accepted; send the body uncompressed.",
                    "invalid_request_error", null, "unsupported_content_encoding"), "none", "none", "bad_request", false);
            return;
        }
        if (request.uri().startsWith("/v1/")) {
            String refusal = state.overload().refusal(state.metrics().activeRequests());
            if (refusal != null) {
                ClientDialect dialect = ClientDialect.forUri(request.uri());
                request.release();
                FullHttpResponse shed = dialect.error(ctx.alloc(), HttpResponseStatus.SERVICE_UNAVAILABLE,
                        refusal + " Retry after " + OverloadMonitor.RETRY_AFTER_SECONDS + " second.", "server_error",
                        null, "gateway_overloaded");
                shed.headers().set(HttpHeaderNames.RETRY_AFTER, OverloadMonitor.RETRY_AFTER_SECONDS);
                Answers.send(ctx, state, shed, "none", "none", "overloaded", false);
                return;
            }
        }
        ctx.fireChannelRead(request);
    }

    private static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
