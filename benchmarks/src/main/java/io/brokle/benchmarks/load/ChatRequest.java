package io.brokle.benchmarks.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The chat completion request the load tools send, the same body as
 * {@code scripts/bench-lib/chat.lua}: a system and a user message, and for streams
 * {@code "stream":true} with {@code stream_options.include_usage}. One instance makes any
 * number of requests; the body bytes are shared and never released.
 */
final class ChatRequest {
    final String host;
    final int port;
    private final String path;
    private final String hostHeader;
    private final String auth;
    private final boolean stream;
    private final ByteBuf body;

    ChatRequest(URI url, String model, boolean stream, String auth) {
        if (!"http".equals(url.getScheme()) || url.getHost() == null || url.getPort() < 0) {
            throw new IllegalArgumentException("--url: " + url + " (expected: http://HOST:PORT/PATH)");
        }
        this.host = url.getHost();
        this.port = url.getPort();
        this.path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.hostHeader = host + ":" + port;
        this.auth = auth;
        this.stream = stream;
        byte[] bytes = body(model, stream).getBytes(StandardCharsets.UTF_8);
        this.body = Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes).asReadOnly());
    }

    static String body(String model, boolean stream) {
        String b = "{\"model\":\"" + model + "\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You are a concise assistant for an online bookshop. Answer in one or two sentences.\"},"
                + "{\"role\":\"user\",\"content\":\"Do you have a paperback edition of The Left Hand of Darkness, and how long does delivery take?\"}"
                + "],\"temperature\":0.2,\"max_tokens\":128";
        if (stream) {
            b += ",\"stream\":true,\"stream_options\":{\"include_usage\":true}";
        }
        return b + "}";
    }

    boolean stream() {
        return stream;
    }

    FullHttpRequest newRequest() {
        ByteBuf content = body.duplicate();
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, content);
        r.headers().set(HttpHeaderNames.HOST, hostHeader)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT, stream ? "text/event-stream" : "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (auth != null && !auth.isEmpty()) {
            r.headers().set(HttpHeaderNames.AUTHORIZATION, auth);
        }
        return r;
    }
}
