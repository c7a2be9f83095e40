package io.brokle.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestSnifferTest {
    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void releaseBuffers() {
        for (ByteBuf b : buffers) {
            assertEquals(1, b.refCnt(), "the sniffer neither retains nor releases the body");
            b.release();
        }
    }

    @Test
    void findsModelStreamAndStreamOptionsWithoutMovingTheReaderIndex() throws Exception {
        ByteBuf body = body("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        SniffedRequest sniffed = RequestSniffer.sniff(body, Endpoint.CHAT_COMPLETIONS);

        assertEquals("gpt-4o", sniffed.model());
        assertTrue(sniffed.stream());
        assertTrue(sniffed.hasStreamOptions());
        assertTrue(sniffed.includeUsage());
        assertEquals(0, sniffed.objectStart());
        assertEquals("\"gpt-4o\"", at(body, sniffed.modelStart(), sniffed.modelEnd()));
        assertEquals(0, body.readerIndex());
    }

    @Test
    void absentOrNullOptionalFieldsReadAsFalse() throws Exception {
        SniffedRequest plain = RequestSniffer.sniff(body("{\"model\":\"m\",\"messages\":[]}"),
                Endpoint.CHAT_COMPLETIONS);
        SniffedRequest nulls = RequestSniffer.sniff(body("{\"model\":\"m\",\"messages\":[],\"stream\":null,"
                + "\"stream_options\":{\"include_usage\":null}}"), Endpoint.CHAT_COMPLETIONS);
        SniffedRequest streamFalse = RequestSniffer.sniff(body("{\"stream\":false,\"model\":\"m\",\"messages\":[],"
                + "\"stream_options\":{\"include_usage\":false,\"other\":[1,{\"x\":2}]}}"), Endpoint.CHAT_COMPLETIONS);

        assertFalse(plain.stream());
        assertFalse(plain.hasStreamOptions());
        assertFalse(plain.includeUsage());
        assertFalse(nulls.stream());
        assertTrue(nulls.hasStreamOptions());
        assertFalse(nulls.includeUsage());
        assertFalse(streamFalse.stream());
        assertFalse(streamFalse.includeUsage());
    }

    @Test
    void offsetsCountFromTheReaderIndexOfABufferThatDoesNotStartAtZero() throws Exception {
        String json = "  \n{ \"messages\" : [ {\"content\":\"model\"} ], \"model\" : \"gpt-4o-mini\" }\n";
        ByteBuf body = body("GET / HTTP/1.1 leftover bytes before the body" + json);
        body.readerIndex(body.writerIndex() - json.getBytes(StandardCharsets.UTF_8).length);
        int readerIndex = body.readerIndex();

        SniffedRequest sniffed = RequestSniffer.sniff(body, Endpoint.CHAT_COMPLETIONS);

        assertEquals("gpt-4o-mini", sniffed.model());
        assertEquals(3, sniffed.objectStart(), "after two spaces and a newline");
        assertEquals('{', body.getByte(readerIndex + sniffed.objectStart()));
        assertEquals("\"gpt-4o-mini\"", at(body, sniffed.modelStart(), sniffed.modelEnd()));
        assertEquals(readerIndex, body.readerIndex());
    }

    @Test
    void offsetsAreRightInACompositeBufferWhoseComponentsSplitTheModelValue() throws Exception {
        byte[] json = "{\"messages\":[],\"model\":\"split-across-components\",\"stream\":true}"
                .getBytes(StandardCharsets.UTF_8);
        int modelValue = new String(json, StandardCharsets.UTF_8).indexOf("\"split");
        for (int cut = 1; cut < json.length; cut++) {
            CompositeByteBuf body = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer();
            body.addComponent(true, PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(json, 0, cut));
            body.addComponent(true, Unpooled.wrappedBuffer(json, cut, json.length - cut));
            try {
                SniffedRequest sniffed = RequestSniffer.sniff(body, Endpoint.CHAT_COMPLETIONS);

                assertEquals("split-across-components", sniffed.model(), "cut at " + cut);
                assertEquals(modelValue, sniffed.modelStart(), "cut at " + cut);
                assertEquals("\"split-across-components\"", at(body, sniffed.modelStart(), sniffed.modelEnd()),
                        "cut at " + cut);
                assertTrue(sniffed.stream(), "cut at " + cut);
                assertEquals(0, body.readerIndex());
            } finally {
                body.release();
            }
        }
    }

    @Test
    void offsetsCountBytesNotCharactersForUnicodeAndEscapedModelNames() throws Exception {
        String model = "модель-😀-\"quoted\"-\\-\u00e9";
        String encodedModel = "\"модель-😀-\\\"quoted\\\"-\\\\-\\u00e9\"";
        ByteBuf body = body("{\"messages\":[{\"content\":\"ünïcödé ✓\"}],\"model\":" + encodedModel + "}");

        SniffedRequest sniffed = RequestSniffer.sniff(body, Endpoint.CHAT_COMPLETIONS);

        assertEquals(model, sniffed.model());
        assertEquals(encodedModel, at(body, sniffed.modelStart(), sniffed.modelEnd()));
    }

    @Test
    void eachEndpointRequiresItsOwnField() throws Exception {
        assertEquals("m", RequestSniffer.sniff(body("{\"model\":\"m\",\"prompt\":\"hi\"}"),
                Endpoint.COMPLETIONS).model());
        assertEquals("m", RequestSniffer.sniff(body("{\"model\":\"m\",\"input\":[\"hi\"]}"),
                Endpoint.EMBEDDINGS).model());

        assertRefused("{\"model\":\"m\",\"prompt\":\"hi\"}", Endpoint.CHAT_COMPLETIONS, "messages",
                "Missing required parameter: 'messages'.");
        assertRefused("{\"model\":\"m\",\"messages\":[]}", Endpoint.COMPLETIONS, "prompt",
                "Missing required parameter: 'prompt'.");
        assertRefused("{\"model\":\"m\",\"prompt\":\"x\"}", Endpoint.EMBEDDINGS, "input",
                "Missing required parameter: 'input'.");
        assertRefused("{\"model\":\"m\",\"messages\":null}", Endpoint.CHAT_COMPLETIONS, "messages",
                "Missing required parameter: 'messages'.");
    }

    @Test
    void theMessagesEndpointRequiresMaxTokensAndMessages() throws Exception {
        SniffedRequest sniffed = RequestSniffer.sniff(body("{\"model\":\"claude\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), Endpoint.MESSAGES);
        assertEquals("claude", sniffed.model());
        assertTrue(sniffed.stream());

        assertRefused("{\"model\":\"claude\",\"messages\":[]}", Endpoint.MESSAGES, "max_tokens",
                "Missing required parameter: 'max_tokens'.");
        assertRefused("{\"model\":\"claude\",\"max_tokens\":64}", Endpoint.MESSAGES, "messages",
                "Missing required parameter: 'messages'.");
        assertRefused("{\"model\":\"claude\",\"max_tokens\":null,\"messages\":[]}", Endpoint.MESSAGES, "max_tokens",
                "Missing required parameter: 'max_tokens'.");
    }

    @Test
    void aRequiredFieldNestedDeeperDoesNotCount() {
        assertRefused("{\"model\":\"m\",\"metadata\":{\"messages\":[]}}", Endpoint.CHAT_COMPLETIONS, "messages",
                "Missing required parameter: 'messages'.");
    }

    @Test
    void missingOrEmptyModelIsRefused() {
        assertRefused("{\"messages\":[]}", Endpoint.CHAT_COMPLETIONS, "model", "You must provide a model parameter.");
        assertRefused("{\"model\":\"\",\"messages\":[]}", Endpoint.CHAT_COMPLETIONS, "model",
                "You must provide a model parameter.");
        assertRefused("{\"messages\":[],\"metadata\":{\"model\":\"nested-does-not-count\"}}",
                Endpoint.CHAT_COMPLETIONS, "model", "You must provide a model parameter.");
    }

    @Test
    void fieldsOfTheWrongTypeAreRefusedNamingTheField() {
        assertRefused("{\"model\":4,\"messages\":[]}", Endpoint.CHAT_COMPLETIONS, "model", "'model' must be a string.");
        assertRefused("{\"model\":null,\"messages\":[]}", Endpoint.CHAT_COMPLETIONS, "model",
                "'model' must be a string.");
        assertRefused("{\"model\":[\"m\"],\"messages\":[]}", Endpoint.CHAT_COMPLETIONS, "model",
                "'model' must be a string.");
        assertRefused("{\"model\":\"m\",\"messages\":[],\"stream\":\"true\"}", Endpoint.CHAT_COMPLETIONS, "stream",
                "'stream' must be a boolean.");
        assertRefused("{\"model\":\"m\",\"messages\":[],\"stream\":1}", Endpoint.CHAT_COMPLETIONS, "stream",
                "'stream' must be a boolean.");
        assertRefused("{\"model\":\"m\",\"messages\":[],\"stream_options\":[]}", Endpoint.CHAT_COMPLETIONS,
                "stream_options", "'stream_options' must be an object.");
        assertRefused("{\"model\":\"m\",\"messages\":[],\"stream_options\":{\"include_usage\":\"yes\"}}",
                Endpoint.CHAT_COMPLETIONS, "stream_options.include_usage",
                "'stream_options.include_usage' must be a boolean.");
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsRefused() {
        for (String notAnObject : List.of("[]", "[{\"model\":\"m\",\"messages\":[]}]", "\"model\"", "42", "null",
                "true", "   ", "\n")) {
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> RequestSniffer.sniff(body(notAnObject), Endpoint.CHAT_COMPLETIONS), notAnObject);
            assertNull(e.param(), notAnObject);
        }
        BadRequestException empty = assertThrows(BadRequestException.class,
                () -> RequestSniffer.sniff(Unpooled.EMPTY_BUFFER, Endpoint.CHAT_COMPLETIONS));
        assertEquals("The request body is empty; send a JSON object.", empty.getMessage());
    }

    @Test
    void malformedJsonIsRefusedWithAShortReason() {
        for (String malformed : List.of(
                "{\"model\":\"m\",\"messages\":[]",
                "{\"model\":\"m\",\"messages\":[}",
                "{\"model\":\"m\" \"messages\":[]}",
                "{\"model\":\"m\",\"messages\":[],}",
                "{'model':'m','messages':[]}",
                "{\"model\":\"unterminated,\"messages\":[]}",
                "{\"model\":\"m\",\"messages\":[]} trailing",
                "{\"model\":\"m\",\"messages\":[]}{\"model\":\"m\",\"messages\":[]}",
                "{\"model\":\"m\",\"messages\":[NaN]}")) {
            BadRequestException e = assertThrows(BadRequestException.class,
                    () -> RequestSniffer.sniff(body(malformed), Endpoint.CHAT_COMPLETIONS), malformed);
            assertTrue(e.getMessage().startsWith("The request body"), e.getMessage());
            assertTrue(e.getMessage().length() < 300, "the reason is cut short: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndOneLevelMoreIsRefused() throws Exception {
        // The top-level object is depth 1, so messages may hold 255 nested arrays.
        assertEquals("m", RequestSniffer.sniff(body(nested(255)), Endpoint.CHAT_COMPLETIONS).model());

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> RequestSniffer.sniff(body(nested(256)), Endpoint.CHAT_COMPLETIONS));
        assertTrue(e.getMessage().contains("nesting depth"), e.getMessage());
        assertThrows(BadRequestException.class, () -> RequestSniffer.sniff(body(nested(100_000)),
                Endpoint.CHAT_COMPLETIONS), "deep nesting is refused without a StackOverflowError");
    }

    @Test
    void theLastOfDuplicateModelFieldsIsTheOneFound() throws Exception {
        ByteBuf body = body("{\"model\":\"first\",\"messages\":[],\"model\":\"second\"}");

        SniffedRequest sniffed = RequestSniffer.sniff(body, Endpoint.CHAT_COMPLETIONS);

        assertEquals("second", sniffed.model());
        assertEquals("\"second\"", at(body, sniffed.modelStart(), sniffed.modelEnd()));
    }

    private static String nested(int depth) {
        return "{\"model\":\"m\",\"messages\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    private void assertRefused(String json, Endpoint endpoint, String param, String message) {
        BadRequestException e = assertThrows(BadRequestException.class, () -> RequestSniffer.sniff(body(json), endpoint),
                json);
        assertEquals(param, e.param(), json);
        assertEquals(message, e.getMessage(), json);
    }

    private ByteBuf body(String json) {
        ByteBuf b = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        buffers.add(b);
        return b;
    }

    private static String at(ByteBuf body, int start, int end) {
        return body.toString(body.readerIndex() + start, end - start, StandardCharsets.UTF_8);
    }
}
