package io.brokle.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A request as {@link ScriptedUpstream} received it: a copy, independent of any Netty buffer.
 *
 * @param method  e.g. {@code POST}
 * @param uri     path and query as sent, e.g. {@code /v1/chat/completions}
 * @param headers every header line in order, names as sent
 * @param body    the body bytes (empty when there was none)
 */
public record RecordedRequest(String method, String uri, List<Map.Entry<String, String>> headers, byte[] body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = List.copyOf(headers);
        body = body.clone();
    }

    static RecordedRequest of(FullHttpRequest request) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
        request.headers().forEach(header -> headers.add(Map.entry(header.getKey(), header.getValue())));
        return new RecordedRequest(request.method().name(), request.uri(), headers,
                ByteBufUtil.getBytes(request.content()));
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** Every value of header {@code name} (any case), in order. */
    public List<String> headerValues(String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                values.add(header.getValue());
            }
        }
        return values;
    }

    /** The uri without its query. */
    public String path() {
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body parsed as JSON. */
    public JsonNode bodyJson() {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("body is not JSON: " + bodyText(), e);
        }
    }

    /** The body parsed as JSON, or null when it is not JSON (for a mock to answer with its 400). */
    public JsonNode bodyJsonOrNull() {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return method + " " + uri + " (" + body.length + " body bytes)";
    }
}
