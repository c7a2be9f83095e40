package io.brokle.benchmarks.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.RoutingStrategy;
import io.brokle.config.VirtualKey;
import io.brokle.proxy.http.SniffedRequest;
import io.brokle.proxy.route.RouteSelector;
import io.brokle.proxy.sse.Usage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs each benchmark's setup and every benchmark method once, and checks that the measured code
 * and its baseline compute the same answer from realistic input, so that a benchmark that no
 * longer measures what it says fails the build instead of rotting. No timing here.
 */
class BenchmarkSetupTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"small", "30kb"})
    void sniffingAndItsBaselineFindTheSameFields(String size) throws Exception {
        RequestSniffingBenchmark b = new RequestSniffingBenchmark();
        b.size = size;
        b.setUp();
        try {
            SniffedRequest sniffed = b.sniff();
            JsonNode tree = b.baselineJacksonReadTree();
            assertEquals(tree.get("model").asText(), sniffed.model());
            assertEquals(tree.path("stream").asBoolean(false), sniffed.stream());
            assertEquals(tree.path("stream_options").path("include_usage").asBoolean(false), sniffed.includeUsage());
            int bytes = b.body.readableBytes();
            assertTrue(size.equals("small") ? bytes < 1024 : bytes > 29 * 1024 && bytes < 31 * 1024, bytes + " bytes");
        } finally {
            b.tearDown();
        }
    }

    @Test
    void theSseRelayAndBothBaselinesFindTheStreamsUsage() {
        SseRelayBenchmark b = new SseRelayBenchmark();
        b.setUp();
        try {
            Usage expected = new Usage(Fixtures.PROMPT_TOKENS, Fixtures.COMPLETION_TOKENS, 0, 0);
            assertEquals(expected, b.splitAndTap());
            assertEquals(expected, b.baselineStringSplit());
            assertEquals(expected, b.baselineParseEveryEvent());
            assertTrue(b.reads.length > Fixtures.ANSWER_PIECES.size() / 2, "the stream comes in many reads");
        } finally {
            b.tearDown();
        }
    }

    @Test
    void authFindsTheSameKeyBothWays() {
        AuthLookupBenchmark b = new AuthLookupBenchmark();
        b.setUp();
        for (int i = 0; i < 3; i++) {
            int before = b.next;
            VirtualKey hashed = b.hashAndLookup();
            b.next = before;
            VirtualKey plain = b.baselinePlainMapLookup();
            assertNotNull(hashed);
            assertSame(plain, hashed);
        }
    }

    @ParameterizedTest
    @EnumSource(RoutingStrategy.class)
    void everyStrategyPlansTheWholeRouteThenItsFallback(RoutingStrategy strategy) {
        RouteSelectionBenchmark b = new RouteSelectionBenchmark();
        RouteSelectionBenchmark.Strategies s = new RouteSelectionBenchmark.Strategies();
        s.strategy = strategy;
        s.setUp();
        RouteSelector.Plan plan = b.plan(s);
        assertTrue(plan.ok(), () -> "refused: " + plan.refusal());
        List<String> names = plan.candidates().stream().map(c -> c.deployment().name()).toList();
        assertEquals(4, names.size(), names::toString);
        assertEquals("llama", names.get(3), "the fallback route comes last");
        if (strategy == RoutingStrategy.PRIORITY) {
            assertEquals(List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1-mini", "llama"), names);
        }
        if (strategy == RoutingStrategy.LEAST_LATENCY) {
            assertEquals("gpt-4o-mini", names.get(0));
        }
        if (strategy == RoutingStrategy.LOWEST_COST) {
            assertEquals("gpt-4o-mini", names.get(0), "the cheapest priced deployment first");
        }
        RouteSelectionBenchmark.Fixed f = new RouteSelectionBenchmark.Fixed();
        f.setUp();
        assertEquals("gpt-4o", b.baselineFixedChoice(f).deployment().name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"small", "30kb"})
    void requestTranslationAndPassthroughBothProduceABody(String size) throws Exception {
        RequestTranslationBenchmark b = new RequestTranslationBenchmark();
        b.size = size;
        b.setUp();
        try {
            int translated = b.translateToAnthropic();
            int passthrough = b.baselinePassthroughRewrite();
            int original = b.body.readableBytes();
            assertTrue(translated > 100, "translated: " + translated);
            // The passthrough differs from the client's body only by the spliced model name.
            assertEquals(original - "gpt-4o-mini".length() + RequestTranslationBenchmark.OPENAI_MODEL.length(),
                    passthrough);
            assertEquals(1, b.body.refCnt(), "the client's body is neither released nor leaked");
        } finally {
            b.tearDown();
        }
    }

    @Test
    void theTranslatedStreamCarriesTheAnswerAndUsage() throws Exception {
        StreamTranslationBenchmark b = new StreamTranslationBenchmark();
        b.setUp();
        try {
            List<String> events = new ArrayList<>();
            b.translate(events::add);
            assertEquals("data: [DONE]\n\n", events.get(events.size() - 1));
            StringBuilder text = new StringBuilder();
            JsonNode usage = null;
            for (String e : events.subList(0, events.size() - 1)) {
                JsonNode chunk = JSON.readTree(e.substring("data: ".length()));
                assertEquals("chat.completion.chunk", chunk.get("object").asText());
                JsonNode choices = chunk.get("choices");
                if (choices.isEmpty()) {
                    usage = chunk.get("usage");
                } else {
                    text.append(choices.get(0).path("delta").path("content").asText(""));
                }
            }
            assertEquals(Fixtures.answerText(), text.toString());
            assertNotNull(usage, "the usage chunk");
            assertEquals(Fixtures.PROMPT_TOKENS, usage.get("prompt_tokens").asLong());
            assertEquals(Fixtures.COMPLETION_TOKENS, usage.get("completion_tokens").asLong());
            assertTrue(b.translateAnthropicStream() > 0);
            long relayed = b.baselineSsePassthrough();
            long streamBytes = 0;
            for (String e : Fixtures.openAiStreamEvents()) {
                streamBytes += e.length();
            }
            assertEquals(streamBytes, relayed, "the passthrough relays every byte");
        } finally {
            b.tearDown();
        }
    }

    @Test
    void theSwapPublishesTheNextVersionAndTheReadSeesIt() {
        SnapshotSwapBenchmark swap = new SnapshotSwapBenchmark();
        swap.setUp();
        long before = swap.holder.current().version();
        GatewaySnapshot applied = swap.apply();
        assertEquals(before + 1, applied.version());
        assertSame(applied, swap.holder.current());
        assertSame(swap.baselineVolatileWrite(), swap.plain);

        SnapshotReadBenchmark read = new SnapshotReadBenchmark();
        read.setUp();
        assertSame(read.current(), read.baselineVolatileRead());
    }
}
