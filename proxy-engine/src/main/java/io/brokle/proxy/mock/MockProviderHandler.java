package io.brokle.proxy.mock;

import io.brokle.config.MockOptions;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.ArrayDeque;

/**
 * The last handler of a mock provider connection: answers each request through
 * {@link MockEndpoints} and writes the answers in request order with {@link MockAnswerWriter}.
 * <pre>
 *   pipeline.addLast("http-codec", new HttpServerCodec())
 *           .addLast("keep-alive", new HttpServerKeepAliveHandler())
 *           .addLast("aggregator", new HttpObjectAggregator(maxRequestBytes))
 *           .addLast("mock-provider", new MockProviderHandler(endpoints, options));
 * </pre>
 * A pipelined request that arrives while an answer is still being written waits in a queue as
 * its {@link MockAnswer}, which holds no buffer. Consumes (and releases, through
 * {@link SimpleChannelInboundHandler}) every request; the parts it writes belong to the
 * channel. One instance per connection.
 */
final class MockProviderHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final MockEndpoints endpoints;
    private final MockOptions options;
    private final ArrayDeque<MockAnswer> waiting = new ArrayDeque<>(2);
    private MockAnswerWriter writing;

    MockProviderHandler(MockEndpoints endpoints, MockOptions options) {
        this.endpoints = endpoints;
        this.options = options;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        MockAnswer answer = endpoints.answer(request);
        if (writing == null) {
            write(ctx.channel(), answer);
        } else {
            waiting.add(answer);
        }
    }

    private void write(Channel channel, MockAnswer answer) {
        // Assigned before start(): with no delays the writer may finish, and call back, inside start().
        writing = new MockAnswerWriter(channel, answer, options.latency(), options.chunkDelay(),
                MockAnswerWriter.ALL_PARTS, () -> written(channel));
        writing.start();
    }

    private void written(Channel channel) {
        writing = null;
        MockAnswer next = waiting.poll();
        if (next != null) {
            write(channel, next);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (writing != null) {
            writing.cancel();
            writing = null;
        }
        waiting.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A mock logs nothing per connection: a reset by the client is routine under load.
        ctx.close();
    }
}
