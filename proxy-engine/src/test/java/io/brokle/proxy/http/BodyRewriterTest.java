package io.brokle.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyRewriterTest {
    /** A repeated key would let the upstream pick either value, so the output must not have one. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    @Test
    void returnsTheSameBufferWhenNothingChanges() throws Exception {
        ByteBuf body = body("{\"model\":\"m\",\"messages\":[],\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        SniffedRequest sniffed = sniff(body);

        ByteBuf out = BodyRewriter.rewrite(body, sniffed, "m", true);

        assertSame(body, out);
        assertEquals(1, out.refCnt());
        out.release();
    }

    @Test
    void doesNotAskForUsageOfAnAnswerThatIsNotStreamedOrWhenNotWanted() throws Exception {
        ByteBuf notStreamed = body("{\"model\":\"m\",\"messages\":[]}");
        ByteBuf notWanted = body("{\"model\":\"m\",\"messages\":[],\"stream\":true}");

        ByteBuf out1 = BodyRewriter.rewrite(notStreamed, sniff(notStreamed), "m", true);
        ByteBuf out2 = BodyRewriter.rewrite(notWanted, sniff(notWanted), "m", false);

        assertSame(notStreamed, out1);
        assertSame(notWanted, out2);
        out1.release();
        out2.release();
    }

    @Test
    void splicesANewModelNameAndKeepsEverythingElse() throws Exception {
        String original = "{ \"messages\": [{\"role\":\"user\",\"content\":\"say \\\"model\\\"\"}],\n"
                + "  \"model\" :  \"public-name\", \"temperature\": 0.25, \"n\": 1 }";
        ByteBuf body = body(original);

        ByteBuf out = BodyRewriter.rewrite(body, sniff(body), "provider-deployment-7", true);

        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(original.replace("\"public-name\"", "\"provider-deployment-7\""), text,
                "only the model value's bytes differ");
        assertEquals(expected(original, root -> root.put("model", "provider-deployment-7")), JSON.readTree(text));
        releaseOutputAndCheckInputIsFreed(out, body);
    }

    @Test
    void insertsIncludeUsageForAStreamedRequestWithoutStreamOptions() throws Exception {
        String original = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true}";
        ByteBuf body = body(original);

        ByteBuf out = BodyRewriter.rewrite(body, sniff(body), "m", true);

        assertEquals(expected(original, root -> root.putObject("stream_options").put("include_usage", true)),
                parse(out));
        SniffedRequest again = sniff(out);
        assertTrue(again.stream() && again.hasStreamOptions() && again.includeUsage());
        releaseOutputAndCheckInputIsFreed(out, body);
    }

    @Test
    void renamesAndInsertsTogetherWithLeadingWhitespace() throws Exception {
        String original = "\n\t {\"stream\":true,\"model\":\"alias\",\"messages\":[]}  ";
        ByteBuf body = body(original);

        ByteBuf out = BodyRewriter.rewrite(body, sniff(body), "real-model", true);

        assertEquals(expected(original, root -> {
            root.put("model", "real-model");
            root.putObject("stream_options").put("include_usage", true);
        }), parse(out));
        releaseOutputAndCheckInputIsFreed(out, body);
    }

    @Test
    void reencodesWhenStreamOptionsExistsWithoutIncludeUsage() throws Exception {
        String original = "{\"model\":\"alias\",\"messages\":[],\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":false,\"other\":[1,2]},\"max_tokens\":5}";
        ByteBuf body = body(original);

        ByteBuf out = BodyRewriter.rewrite(body, sniff(body), "real-model", true);

        assertEquals(0, body.refCnt(), "the re-encode path consumed the input at once");
        assertEquals(expected(original, root -> {
            root.put("model", "real-model");
            ((ObjectNode) root.get("stream_options")).put("include_usage", true);
        }), parse(out));
        out.release();
    }

    @Test
    void reencodesWhenStreamOptionsHasOnlyOtherFields() throws Exception {
        String original = "{\"model\":\"m\",\"messages\":[],\"stream\":true,\"stream_options\":{}}";
        ByteBuf body = body(original);

        ByteBuf out = BodyRewriter.rewrite(body, sniff(body), "m", true);

        assertEquals(0, body.refCnt());
        assertEquals(expected(original, root -> ((ObjectNode) root.get("stream_options")).put("include_usage", true)),
                parse(out));
        out.release();
    }

    @Test
    void askingForUsageWhenStreamOptionsIsNullGivesOneStreamOptionsWithIncludeUsage() throws Exception {
        String original = "{\"model\":\"m\",\"messages\":[],\"stream\":true,\"stream_options\":null}";
        ByteBuf body = body(original);

        ByteBuf out = BodyRewriter.rewrite(body, sniff(body), "m", true);

        String text = out.toString(StandardCharsets.UTF_8);
        out.release();
        assertEquals(0, body.refCnt());
        // Strict parsing refuses a repeated key: with "stream_options" twice, an upstream that keeps the last
        // value sees null and sends no usage.
        assertEquals(expected(original, root -> root.putObject("stream_options").put("include_usage", true)),
                JSON.readTree(text), text);
    }

    @Test
    void modelNamesThatNeedJsonEscapingAreEscaped() throws Exception {
        for (String model : List.of("quote\"inside", "back\\slash", "new\nline\ttab", "ctrl\u0001char",
                "ünïcödé-模型-😀", "</script>", "")) {
            String original = "{\"model\":\"alias\",\"messages\":[]}";
            ByteBuf body = body(original);

            ByteBuf out = BodyRewriter.rewrite(body, sniff(body), model, false);

            assertEquals(expected(original, root -> root.put("model", model)), parse(out), model);
            releaseOutputAndCheckInputIsFreed(out, body);
        }
    }

    @Test
    void worksOnAPooledDirectBodyWithANonZeroReaderIndex() throws Exception {
        String original = "{\"model\":\"alias\",\"messages\":[{\"content\":\"x\"}],\"stream\":true}";
        ByteBuf body = PooledByteBufAllocator.DEFAULT.directBuffer();
        body.writeCharSequence("HTTP framing already consumed|", StandardCharsets.US_ASCII);
        body.readerIndex(body.writerIndex());
        body.writeCharSequence(original, StandardCharsets.UTF_8);

        ByteBuf out = BodyRewriter.rewrite(body, sniff(body), "real", true);

        assertEquals(expected(original, root -> {
            root.put("model", "real");
            root.putObject("stream_options").put("include_usage", true);
        }), parse(out));
        releaseOutputAndCheckInputIsFreed(out, body);
    }

    @Test
    void theClientsBytesAreSharedNotCopied() throws Exception {
        ByteBuf body = body("{\"model\":\"alias\",\"messages\":[{\"content\":\"" + "x".repeat(1000) + "\"}]}");
        SniffedRequest sniffed = sniff(body);

        ByteBuf out = BodyRewriter.rewrite(body, sniffed, "real", true);

        assertTrue(body.refCnt() > 0, "the output's slices keep the client's body alive");
        body.setByte(body.writerIndex() - 5, 'Y');
        assertEquals('Y', out.getByte(out.writerIndex() - 5), "the output is a view of the client's bytes");
        releaseOutputAndCheckInputIsFreed(out, body);
    }

    private static void releaseOutputAndCheckInputIsFreed(ByteBuf out, ByteBuf body) {
        assertTrue(out.release(), "the output holds the only reference");
        assertEquals(0, body.refCnt(), "releasing the output frees the client's body");
    }

    private static SniffedRequest sniff(ByteBuf body) throws BadRequestException {
        return RequestSniffer.sniff(body, Endpoint.CHAT_COMPLETIONS);
    }

    private static JsonNode parse(ByteBuf out) throws Exception {
        return JSON.readTree(ByteBufUtil.getBytes(out));
    }

    private static JsonNode expected(String original, java.util.function.Consumer<ObjectNode> change)
            throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(original);
        change.accept(root);
        return root;
    }

    private static ByteBuf body(String json) {
        return Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
    }
}
