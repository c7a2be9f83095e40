package io.brokle.proxy.testing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Streams named server-sent events ({@code event: <name>} and {@code data: <json>} each, as the
 * Anthropic and Cohere APIs stream) in a chunked answer, for the mock upstreams' handlers; can cut
 * the connection after some events, as a provider that drops mid-stream.
 */
final class NamedEventStream {
    private NamedEventStream() {
    }

    /**
     * Writes {@code head} (made chunked), then each event in its own flushed chunk, then the end
     * of the body; when {@code dropAfter} events are sent before the last, closes the connection
     * there instead (no end of the body).
     */
    static void write(ChannelHandlerContext ctx, HttpResponse head, List<Map.Entry<String, String>> events,
                      int dropAfter) {
        HttpUtil.setTransferEncodingChunked(head, true);
        ctx.write(head);
        int sent = 0;
        for (Map.Entry<String, String> event : events) {
            if (sent == dropAfter) {
                ctx.flush();
                ctx.close();
                return;
            }
            String frame = "event: " + event.getKey() + "\ndata: " + event.getValue() + "\n\n";
            ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(frame, StandardCharsets.UTF_8)));
            sent++;
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
}
