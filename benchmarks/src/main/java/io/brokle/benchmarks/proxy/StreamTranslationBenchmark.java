package io.brokle.benchmarks.proxy;

import io.brokle.proxy.adapt.anthropic.AnthropicStreamToOpenAi;
import io.brokle.proxy.adapt.anthropic.ReplyOptions;
import io.brokle.proxy.sse.SseFrameSplitter;
import io.brokle.proxy.sse.UsageTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One whole streamed answer relayed to an OpenAI client: an Anthropic stream translated event by
 * event ({@link SseFrameSplitter}, then {@link AnthropicStreamToOpenAi} on each event's
 * {@code event:} and {@code data:} fields, each chunk encoded as a {@code data:} event, as the
 * Anthropic adapter's response translator does) against the passthrough of the same answer from
 * an OpenAI-format provider ({@link SseFrameSplitter} and {@link UsageTap}, events relayed as
 * slices). Both streams carry the same text in the same number of content events.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StreamTranslationBenchmark {
    private static final String DONE = "data: [DONE]\n\n";

    ByteBuf[] anthropicReads;
    ByteBuf[] openAiReads;

    @Setup
    public void setUp() {
        anthropicReads = Fixtures.directBuffers(Fixtures.reads(Fixtures.anthropicStreamEvents()),
                PooledByteBufAllocator.DEFAULT);
        openAiReads = Fixtures.directBuffers(Fixtures.reads(Fixtures.openAiStreamEvents()),
                PooledByteBufAllocator.DEFAULT);
    }

    @TearDown
    public void tearDown() {
        Fixtures.release(anthropicReads);
        Fixtures.release(openAiReads);
    }

    /** Returns the bytes of OpenAI events produced (the translated stream, {@code [DONE]} included). */
    @Benchmark
    public long translateAnthropicStream() {
        long[] written = {0};
        translate(event -> written[0] += event.getBytes(StandardCharsets.UTF_8).length);
        return written[0];
    }

    /** Translates the whole Anthropic stream, handing each OpenAI event ({@code data: ...} and a blank line) to {@code sink}. */
    void translate(Consumer<String> sink) {
        AnthropicStreamToOpenAi translator = new AnthropicStreamToOpenAi(new ReplyOptions(null, true), 1764100000L);
        SseFrameSplitter.EventFilter translate = event -> {
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : event.toString(StandardCharsets.UTF_8).split("\r?\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).trim());
                }
            }
            if (!data.isEmpty()) {
                for (String chunk : translator.feed(name, data.toString())) {
                    sink.accept("data: " + chunk + "\n\n");
                }
                if (translator.completed()) {
                    sink.accept(DONE);
                }
            }
            return false; // the provider's own event is not relayed
        };
        try (SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES)) {
            for (ByteBuf read : anthropicReads) {
                splitter.split(read.retainedDuplicate(), translate).release();
            }
        }
        if (!translator.completed()) {
            throw new IllegalStateException("the translated stream did not complete");
        }
    }

    /** The baseline: the same answer from an OpenAI-format provider, relayed as slices with the usage tapped. */
    @Benchmark
    public long baselineSsePassthrough() {
        UsageTap tap = new UsageTap();
        long written = 0;
        try (SseFrameSplitter splitter = new SseFrameSplitter(SseFrameSplitter.DEFAULT_MAX_EVENT_BYTES)) {
            SseFrameSplitter.EventFilter keepAll = event -> {
                tap.inspectEvent(event);
                return true;
            };
            for (ByteBuf read : openAiReads) {
                ByteBuf out = splitter.split(read.retainedDuplicate(), keepAll);
                written += out.readableBytes();
                out.release();
            }
        }
        if (tap.usage() == null) {
            throw new IllegalStateException("no usage in the stream");
        }
        return written;
    }
}
