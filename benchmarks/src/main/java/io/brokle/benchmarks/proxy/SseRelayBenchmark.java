package io.brokle.benchmarks.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.proxy.sse.SseEventKind;
import io.brokle.proxy.sse.SseFrameSplitter;
import io.brokle.proxy.sse.Usage;
import io.brokle.proxy.sse.UsageTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One whole streamed OpenAI answer (about 70 events, some cut across reads) through the relay's
 * stream path: {@link SseFrameSplitter} cutting events out of the reads as retained slices and
 * {@link UsageTap} finding the usage, against naive relays that decode every read to a String,
 * split on blank lines and encode each event back to bytes; one of them parses only the events
 * that mention usage (the same work as the tap), the other parses every event as JSON.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseRelayBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    ByteBuf[] reads;

    @Setup
    public void setUp() {
        reads = Fixtures.directBuffers(Fixtures.reads(Fixtures.openAiStreamEvents()), PooledByteBufAllocator.DEFAULT);
    }

    @TearDown
    public void tearDown() {
        Fixtures.release(reads);
    }

    /** Splits, taps usage and releases what would be written; returns the usage. */
    @Benchmark
    public Usage splitAndTap() {
        UsageTap tap = new UsageTap();
        try (SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES)) {
            SseFrameSplitter.EventFilter keepAll = event -> {
                tap.inspectEvent(event);
                return true;
            };
            for (ByteBuf read : reads) {
                ByteBuf out = splitter.split(read.retainedDuplicate(), keepAll);
                out.release();
            }
        }
        return tap.usage();
    }

    /** The baseline: String decode and split, usage parsed from the events that mention it. */
    @Benchmark
    public Usage baselineStringSplit() {
        return naive(false);
    }

    /** The other baseline: String decode and split, every event parsed as JSON. */
    @Benchmark
    public Usage baselineParseEveryEvent() {
        return naive(true);
    }

    private Usage naive(boolean parseEvery) {
        StringBuilder pending = new StringBuilder();
        Usage usage = null;
        long written = 0;
        for (ByteBuf read : reads) {
            pending.append(read.toString(StandardCharsets.UTF_8));
            int end;
            while ((end = pending.indexOf("\n\n")) >= 0) {
                String event = pending.substring(0, end + 2);
                pending.delete(0, end + 2);
                String data = event.startsWith("data: ") ? event.substring(6).trim() : "";
                if (!data.equals("[DONE]") && (parseEvery || data.contains("\"usage\":{"))) {
                    Usage u = usageOf(data);
                    usage = u != null ? u : usage;
                }
                written += event.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (written == 0) {
            throw new IllegalStateException("nothing relayed");
        }
        return usage;
    }

    private static Usage usageOf(String json) {
        try {
            JsonNode u = JSON.readTree(json).get("usage");
            if (u == null || !u.isObject()) {
                return null;
            }
            return new Usage(u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong(),
                    u.path("prompt_tokens_details").path("cached_tokens").asLong(),
                    u.path("completion_tokens_details").path("reasoning_tokens").asLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
