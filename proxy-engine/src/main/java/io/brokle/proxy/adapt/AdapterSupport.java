package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What every translating {@link ProviderAdapter} does the same way around its provider's own
 * translation: reading the client's JSON body (a 400 when it is not a JSON object), reading the
 * provider's JSON answer (a 502 when it is not JSON), encoding a translated tree, taking one
 * server-sent event apart and framing OpenAI's events. Buffers are read through views, never
 * retained or released.
 */
final class AdapterSupport {
    private AdapterSupport() {
    }

    /** The client's request body as a JSON object; a 400 when it is not JSON or not an object. */
    static ObjectNode readRequest(ByteBuf clientBody) throws TranslationException {
        JsonNode parsed;
        try (InputStream in = new ByteBufInputStream(clientBody.duplicate())) {
            parsed = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new TranslationException("The request body is not valid JSON.", null);
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw new TranslationException("The request body must be a JSON object.", null);
        }
        return object;
    }

    /** The provider's successful answer as a JSON tree; a 502 when it is not JSON. */
    static JsonNode readAnswer(ByteBuf providerBody) throws TranslationException {
        try (InputStream in = new ByteBufInputStream(providerBody.duplicate())) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw TranslationException.badUpstream("The provider's answer is not valid JSON.");
        }
    }

    /** {@code tree} as compact JSON bytes. */
    static byte[] encode(JsonNode tree) {
        try {
            return Json.MAPPER.writeValueAsBytes(tree);
        } catch (IOException e) {
            // A tree built from nodes always serializes; this would be a Jackson bug.
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
    }

    /** {@code tree} as compact JSON in a new buffer from {@code alloc}, owned by the caller. */
    static ByteBuf encode(JsonNode tree, ByteBufAllocator alloc) {
        return buffer(encode(tree), alloc);
    }

    /** {@code bytes} in a new buffer from {@code alloc}, owned by the caller. */
    static ByteBuf buffer(byte[] bytes, ByteBufAllocator alloc) {
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    /** Parameters the provider could not take, comma-separated, or null when there are none. */
    static String droppedHeader(List<String> dropped) {
        return dropped.isEmpty() ? null : String.join(", ", dropped);
    }

    /**
     * One server-sent event's {@code event:} name (null when it has none) and its {@code data:}
     * lines joined by newlines (empty when it has none).
     */
    record SseEvent(String name, String data) {
        static SseEvent parse(ByteBuf event) {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : event.toString(StandardCharsets.UTF_8).split("\r?\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).trim());
                }
            }
            return new SseEvent(name, data.toString());
        }
    }

    /** OpenAI chunks as the client's server-sent events, with {@code data: [DONE]} after them when {@code done}. */
    static List<String> dataEvents(List<String> chunks, boolean done) {
        List<String> out = new ArrayList<>(chunks.size() + 1);
        for (String chunk : chunks) {
            out.add("data: " + chunk + "\n\n");
        }
        if (done) {
            out.add("data: [DONE]\n\n");
        }
        return out;
    }
}
