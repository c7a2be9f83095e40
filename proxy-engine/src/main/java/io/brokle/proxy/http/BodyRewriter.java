package io.brokle.proxy.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.CompositeByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Produces the body sent upstream from the body the client sent. When nothing needs to change it
 * is the client's buffer itself. Changing the model name or asking for streamed usage splices
 * a few new bytes between retained slices of the original: no re-encoding. Only a request that
 * already carries {@code stream_options} without {@code include_usage} takes the slow path of a
 * JSON re-encode.
 */
public final class BodyRewriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] INCLUDE_USAGE = "\"stream_options\":{\"include_usage\":true},"
            .getBytes(StandardCharsets.US_ASCII);

    private BodyRewriter() {
    }

    /**
     * @param body          the client's body; this method takes ownership (releases it or
     *                      hands it on inside the result)
     * @param sniffed       what {@link RequestSniffer} found in it
     * @param upstreamModel the model name the provider expects
     * @param askForUsage   whether to make the upstream report usage in a streamed answer
     * @return the upstream body, owned by the caller
     */
    public static ByteBuf rewrite(ByteBuf body, SniffedRequest sniffed, String upstreamModel, boolean askForUsage) {
        boolean renameModel = !sniffed.model().equals(upstreamModel);
        boolean addUsage = askForUsage && sniffed.stream() && !sniffed.includeUsage();
        if (!renameModel && !addUsage) {
            return body;
        }
        if (addUsage && sniffed.hasStreamOptions()) {
            return reencode(body, upstreamModel);
        }
        int base = body.readerIndex();
        int end = body.writerIndex();
        CompositeByteBuf out = body.alloc().compositeBuffer(5);
        try {
            int cursor = base;
            if (addUsage) {
                int afterBrace = base + sniffed.objectStart() + 1;
                out.addComponent(true, body.retainedSlice(cursor, afterBrace - cursor));
                out.addComponent(true, body.alloc().buffer(INCLUDE_USAGE.length).writeBytes(INCLUDE_USAGE));
                cursor = afterBrace;
            }
            if (renameModel) {
                int modelStart = base + sniffed.modelStart();
                out.addComponent(true, body.retainedSlice(cursor, modelStart - cursor));
                out.addComponent(true, quoted(body, upstreamModel));
                cursor = base + sniffed.modelEnd();
            }
            out.addComponent(true, body.retainedSlice(cursor, end - cursor));
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            body.release();
        }
    }

    private static ByteBuf quoted(ByteBuf like, String value) {
        byte[] json = JsonNodeFactory.instance.textNode(value).toString().getBytes(StandardCharsets.UTF_8);
        return like.alloc().buffer(json.length).writeBytes(json);
    }

    private static ByteBuf reencode(ByteBuf body, String upstreamModel) {
        ByteBuf out = body.alloc().buffer(body.readableBytes() + INCLUDE_USAGE.length);
        try (var in = new ByteBufInputStream(body, true); var os = new ByteBufOutputStream(out)) {
            ObjectNode root = (ObjectNode) JSON.readTree((java.io.InputStream) in);
            root.put("model", upstreamModel);
            root.withObject("stream_options").put("include_usage", true);
            JSON.writeValue((java.io.OutputStream) os, root);
            return out;
        } catch (IOException | RuntimeException e) {
            out.release();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }
}
