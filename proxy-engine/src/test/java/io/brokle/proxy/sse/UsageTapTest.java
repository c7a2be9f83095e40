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

class UsageTapTest {
    private final UsageTap tap = new UsageTap();
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
    void readsUsageFromANonStreamedChatBody() {
        boolean wellFormed = tap.inspectBody(buf("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hi, usage is fine"},
                             "finish_reason":"stop"}],
                 "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
                          "prompt_tokens_details":{"cached_tokens":6,"audio_tokens":0},
                          "completion_tokens_details":{"reasoning_tokens":4,"audio_tokens":0,
                                                       "accepted_prediction_tokens":0}},
                 "system_fingerprint":"fp_1"}
                """));

        assertTrue(wellFormed);
        assertEquals(new Usage(19, 10, 6, 4), tap.usage());
    }

    @Test
    void aBodyWithoutUsageIsWellFormedButReportsNone() {
        assertTrue(tap.inspectBody(buf("{\"object\":\"list\",\"data\":[{\"embedding\":[0.1]}]}")));
        assertNull(tap.usage());
    }

    @Test
    void aBodyThatIsNotAJsonObjectIsNotWellFormed() {
        assertFalse(tap.inspectBody(buf("[{\"usage\":{\"prompt_tokens\":1}}]")));
        assertFalse(tap.inspectBody(buf("{\"usage\":{\"prompt_tokens\":1}")));
        assertFalse(tap.inspectBody(buf("<html>502 Bad Gateway</html>")));
        assertFalse(tap.inspectBody(buf("")));
        assertNull(tap.usage());
    }

    @Test
    void theIncludeUsageChunkIsUsageOnlyAndRecordsItsUsage() {
        SseEventKind kind = tap.inspectEvent(buf("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":30,\"total_tokens\":42,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":8},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":16}}}\n\n"));

        assertEquals(SseEventKind.USAGE_ONLY, kind);
        assertEquals(new Usage(12, 30, 8, 16), tap.usage());
    }

    @Test
    void usageIsFoundWhereverItStandsAmongOtherKeysAndLetters() {
        List<String> events = List.of(
                // first key, right after the brace, with g's after it
                "data: {\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1},\"choices\":[],"
                        + "\"system_fingerprint\":\"fp_gggg\",\"object\":\"chat.completion.chunk\"}\n\n",
                // last key, with g's (and the word usage as a value) before it
                "data: {\"object\":\"chat.completion.chunk\",\"logprobs\":null,\"x\":\"usage\","
                        + "\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1}}\n\n",
                // no space after "data:", the usage object starting the data
                "data:{\"usage\" :\n{\"prompt_tokens\":2,\"completion_tokens\":1},\"choices\":[]}\n\n");
        for (String event : events) {
            UsageTap fresh = new UsageTap();
            assertEquals(SseEventKind.USAGE_ONLY, fresh.inspectEvent(buf(event)), event);
            assertEquals(new Usage(2, 1, 0, 0), fresh.usage(), event);
        }
    }

    @Test
    void doneIsDetectedWithOrWithoutASpaceAndWithCrLf() {
        assertEquals(SseEventKind.DONE, tap.inspectEvent(buf("data: [DONE]\n\n")));
        assertEquals(SseEventKind.DONE, tap.inspectEvent(buf("data:[DONE]\n\n")));
        assertEquals(SseEventKind.DONE, tap.inspectEvent(buf("data: [DONE]\r\n\r\n")));
        assertEquals(SseEventKind.DONE, tap.inspectEvent(buf("event: done\ndata: [DONE]\n\n")));
        assertNull(tap.usage());
    }

    @Test
    void chunksWithUsageNullAreData() {
        SseEventKind kind = tap.inspectEvent(buf("data: {\"id\":\"c\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}],\"usage\":null}\n\n"));
        SseEventKind emptyChoices = tap.inspectEvent(buf("data: {\"choices\":[],\"usage\" : null}\n\n"));

        assertEquals(SseEventKind.DATA, kind);
        assertEquals(SseEventKind.DATA, emptyChoices);
        assertNull(tap.usage());
    }

    @Test
    void theWordUsageInsideContentIsNotMistakenForUsage() {
        List<String> events = List.of(
                "data: {\"choices\":[{\"delta\":{\"content\":\"the usage was high\"}}]}\n\n",
                "data: {\"choices\":[{\"delta\":{\"content\":\"usage\"}}]}\n\n",
                "data: {\"choices\":[{\"delta\":{\"content\":\"\\\"usage\\\": {\\\"prompt_tokens\\\": 99}\"}}]}\n\n",
                "data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"choices\\\":[],\\\"usage\\\":{\\\"prompt_tokens\\\":99}}\"}}]}\n\n",
                "data: {\"choices\":[],\"metadata\":{\"usage\":{\"prompt_tokens\":99}}}\n\n");
        for (String event : events) {
            assertEquals(SseEventKind.DATA, tap.inspectEvent(buf(event)), event);
        }
        assertNull(tap.usage(), "no usage was reported");
    }

    @Test
    void usageOnAChunkThatStillHasChoicesIsRecordedButRelayed() {
        SseEventKind kind = tap.inspectEvent(buf("data: {\"choices\":[{\"index\":0,\"delta\":{},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\n\n"));

        assertEquals(SseEventKind.DATA, kind);
        assertEquals(new Usage(5, 7, 0, 0), tap.usage());
    }

    @Test
    void readsAnthropicStyleTokenNames() {
        assertTrue(tap.inspectBody(buf("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                + "\"usage\":{\"input_tokens\":25,\"output_tokens\":13,\"input_tokens_details\":{\"cached_tokens\":5},"
                + "\"output_tokens_details\":{\"reasoning_tokens\":2}}}")));

        assertEquals(new Usage(25, 13, 5, 2), tap.usage());
    }

    @Test
    void commentsAndEventsWithoutDataAreData() {
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf(": keep-alive\n\n")));
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("event: ping\n\n")));
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("\n\n")));
        assertEquals(SseEventKind.DATA, tap.inspectEvent(buf("data: {\"choices\":[],\"usage\":{\"prompt_to")),
                "a truncated event is relayed, not trusted");
        assertNull(tap.usage());
    }

    @Test
    void aLaterUsageReplacesAnEarlierOne() {
        tap.inspectEvent(buf("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n"));
        tap.inspectEvent(buf("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":3}}\n\n"));

        assertEquals(new Usage(2, 3, 0, 0), tap.usage());
    }

    @Test
    void readsAnEventThatIsASliceInTheMiddleOfALargerBuffer() {
        ByteBuf stream = buf("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}\n\n"
                + "data: [DONE]\n\n");
        int second = stream.toString(StandardCharsets.UTF_8).indexOf("data: {\"choices\":[],");
        int third = stream.toString(StandardCharsets.UTF_8).indexOf("data: [DONE]");

        assertEquals(SseEventKind.USAGE_ONLY, tap.inspectEvent(stream.slice(second, third - second)));
        assertEquals(SseEventKind.DONE, tap.inspectEvent(stream.slice(third, stream.writerIndex() - third)));
        assertEquals(new Usage(3, 4, 0, 0), tap.usage());
    }

    @Test
    void unexpectedShapesInsideUsageDoNotLoseTheOtherCounts() {
        assertTrue(tap.inspectBody(buf("{\"usage\":{\"prompt_tokens\":{\"text\":7},\"completion_tokens\":5,"
                + "\"prompt_tokens_details\":[{\"cached_tokens\":1}],\"total_tokens\":12}}")));

        assertEquals(5, tap.usage().completionTokens(),
                "a known field holding an object or array must be skipped whole, not walked into");
    }

    private ByteBuf buf(String s) {
        ByteBuf b = Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
        buffers.add(b);
        return b;
    }

    @Test
    void readsCacheWritesFromTranslatedAnthropicUsage() {
        assertTrue(tap.inspectBody(buf("""
                {"id":"msg_1","object":"chat.completion","choices":[],
                 "usage":{"prompt_tokens":1300,"completion_tokens":20,"total_tokens":1320,
                          "prompt_tokens_details":{"cached_tokens":200,"cache_creation_tokens":1000}}}
                """)));

        assertEquals(new Usage(1300, 20, 200, 0, 1000), tap.usage());
        assertEquals(1000, tap.usage().tokens().cacheWriteTokens(), "cache writes reach the price calculator");
    }
}
