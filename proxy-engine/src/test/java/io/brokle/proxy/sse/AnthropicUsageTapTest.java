package io.brokle.proxy.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AnthropicUsageTapTest {
    private final AnthropicUsageTap tap = new AnthropicUsageTap();
    private final List<ByteBuf> buffers = new ArrayList<>();

    @AfterEach
    void buffersAreUntouched() {
        for (ByteBuf b : buffers) {
            assertEquals(1, b.refCnt(), "the tap neither retains nor releases");
            assertEquals(0, b.readerIndex(), "the tap does not move the reader index");
            b.release();
        }
    }

    @Test
    void aStreamsInputCountsComeFromMessageStartAndItsOutputFromMessageDelta() {
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":100,"cache_read_input_tokens":2048,"output_tokens":1}}}

                """)));
        assertEquals(new Usage(2173, 1, 2048, 0, 100), tap.usage());
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("event: ping\ndata: {\"type\": \"ping\"}\n\n")));
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("event: content_block_delta\r\ndata: {\"type\":"
                + "\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\\\"usage\\\": {\"}}\r\n\r\n")));
        assertEquals(new Usage(2173, 1, 2048, 0, 100), tap.usage(), "text that looks like usage is not usage");
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("""
                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

                """)));
        assertEquals(new Usage(2173, 15, 2048, 0, 100), tap.usage());
        assertEquals(SseEventKind.DONE, tap.inspectEvent(buf("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")));
    }

    @Test
    void theProvidersErrorEventIsTheStreamsTerminalError() {
        assertEquals(SseEventKind.ERROR, tap.inspectEvent(buf("event: error\ndata: {\"type\":\"error\",\"error\":"
                + "{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n")));
        assertNull(tap.usage());
    }

    @Test
    void onlyTheEventsExactNameCounts() {
        assertEquals(SseEventKind.DONE, tap.inspectEvent(buf("event:message_stop\r\ndata: {}\r\n\r\n")));
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("event: message_stopped\ndata: {}\n\n")));
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("event: content_block_delta\ndata: {\"type\":"
                + "\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"event: error\"}}\n\n")));
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf(": keep-alive\n\n")));
    }

    @Test
    void aWholeMessagesUsageAddsItsDisjointInputCounts() {
        assertTrue(tap.inspectBody(buf("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"usage"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":90,
                          "output_tokens":7,"service_tier":"standard"}}""")));
        assertEquals(new Usage(100, 7, 90, 0, 0), tap.usage());
    }

    @Test
    void aBodyThatIsNotOneJsonObjectIsNotWellFormed() {
        assertFalse(tap.inspectBody(buf("{\"type\":\"message\",")));
        assertFalse(tap.inspectBody(buf("<html>")));
        assertFalse(tap.inspectBody(buf("{} {}")));
        assertNull(tap.usage());
    }

    private ByteBuf buf(String text) {
        ByteBuf b = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
        buffers.add(b);
        return b;
    }
}
