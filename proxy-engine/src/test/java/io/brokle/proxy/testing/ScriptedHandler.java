package io.brokle.proxy.testing;

import io.brokle.proxy.mock.MockAnswer;
import io.brokle.proxy.mock.MockAnswerWriter;
import io.brokle.proxy.testing.Behaviour.Cut;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The last handler of a {@link ScriptedUpstream} connection: records each request, takes the
 * next {@link Behaviour} and acts it out, answering through the mock provider's
 * {@code MockEndpoints} and {@link MockAnswerWriter} whenever the behaviour involves an answer.
 * Answers one request at a time, without pipelining: a request that arrives while an answer is
 * still being written abandons that answer. Consumes and releases every request; one instance
 * per connection.
 */
final class ScriptedHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final byte[] TRUNCATED_JSON =
            "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"mess"
                    .getBytes(StandardCharsets.UTF_8);
    private static final byte[] HTML = ("<!DOCTYPE html>\n<html><head><title>Gateway login</title></head>"
            + "<body><h1>Please sign in</h1></body></html>\n").getBytes(StandardCharsets.UTF_8);

    private final ScriptedUpstream upstream;
    private MockAnswerWriter writing;

    ScriptedHandler(ScriptedUpstream upstream) {
        this.upstream = upstream;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        upstream.record(RecordedRequest.of(request));
        Channel channel = ctx.channel();
        Duration latency = upstream.options().latency();
        switch (upstream.nextBehaviour()) {
            case Behaviour.Normal normal -> write(channel, answer(request), latency, MockAnswerWriter.ALL_PARTS, null);
            case Behaviour.SlowFirstByte slow ->
                    write(channel, answer(request), slow.delay(), MockAnswerWriter.ALL_PARTS, null);
            case Behaviour.Status status -> write(channel, MockAnswer.error(HttpResponseStatus.valueOf(status.code()),
                    status.type(), status.message(), null, null), latency, MockAnswerWriter.ALL_PARTS, null);
            case Behaviour.RateLimited limited -> {
                MockAnswer answer = MockAnswer.error(HttpResponseStatus.TOO_MANY_REQUESTS, "requests",
                        "Rate limit reached for requests per min (RPM). Please try again later.", null,
                        "rate_limit_exceeded");
                answer.headers().set(HttpHeaderNames.RETRY_AFTER, limited.retryAfter());
                write(channel, answer, latency, MockAnswerWriter.ALL_PARTS, null);
            }
            case Behaviour.CutAfterChunks cut -> {
                MockAnswer answer = answer(request);
                write(channel, answer, latency, answer.partsForContentChunks(cut.chunks()), cut.cut());
            }
            case Behaviour.MalformedJson malformed -> write(channel,
                    MockAnswer.fixed(HttpResponseStatus.OK, HttpHeaderValues.APPLICATION_JSON, TRUNCATED_JSON),
                    latency, MockAnswerWriter.ALL_PARTS, null);
            case Behaviour.Html200 html -> write(channel,
                    MockAnswer.fixed(HttpResponseStatus.OK, "text/html; charset=utf-8", HTML),
                    latency, MockAnswerWriter.ALL_PARTS, null);
            case Behaviour.DropBeforeResponse drop -> channel.close();
        }
    }

    private MockAnswer answer(FullHttpRequest request) {
        return upstream.endpoints().answer(request);
    }

    /** Writes {@code partLimit} parts of {@code answer}, then ends the connection as {@code cut} says (null: keep it). */
    private void write(Channel channel, MockAnswer answer, Duration firstByteDelay, int partLimit, Cut cut) {
        if (writing != null) {
            writing.cancel();
        }
        writing = new MockAnswerWriter(channel, answer, firstByteDelay, upstream.options().chunkDelay(), partLimit,
                () -> stopped(channel, cut));
        writing.start();
    }

    private void stopped(Channel channel, Cut cut) {
        writing = null;
        if (cut == Cut.DROP) {
            channel.close();
        } else if (cut == Cut.RESET) {
            // With a zero linger time close() discards unsent data and sends RST instead of FIN.
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (writing != null) {
            writing.cancel();
            writing = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
