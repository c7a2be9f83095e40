package io.brokle.benchmarks.proxy;

import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.proxy.adapt.ProviderAdapter;
import io.brokle.proxy.adapt.ProviderAdapters;
import io.brokle.proxy.adapt.TranslatedAttempt;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.http.BadRequestException;
import io.brokle.proxy.http.BodyRewriter;
import io.brokle.proxy.http.Endpoint;
import io.brokle.proxy.http.RequestSniffer;
import io.brokle.proxy.http.SniffedRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Preparing the upstream body of a chat request: translated for an Anthropic deployment (the
 * Anthropic {@link ProviderAdapter}: parse, {@code OpenAiToAnthropicRequest}, encode) against the
 * passthrough for an OpenAI-format deployment ({@link BodyRewriter} splicing in the provider's
 * model name without re-encoding). Both start from the client's body already sniffed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestTranslationBenchmark {
    static final String OPENAI_MODEL = "gpt-4o-mini-2024-07-18";

    @Param({"small", "30kb"})
    public String size;

    ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    ByteBuf body;
    SniffedRequest sniffed;
    ProviderAdapter anthropic;
    Provider anthropicProvider;
    Deployment anthropicDeployment;

    @Setup
    public void setUp() throws BadRequestException {
        body = Fixtures.directBuffer(Fixtures.chatBody(size), alloc);
        sniffed = RequestSniffer.sniff(body, Endpoint.CHAT_COMPLETIONS);
        anthropic = ProviderAdapters.forKind(ProviderKind.ANTHROPIC);
        anthropicProvider = new Provider("anthropic", ProviderKind.ANTHROPIC, URI.create("https://api.anthropic.com"),
                "sk-ant-bench-not-a-key", null, true, UpstreamTimeouts.DEFAULTS, null);
        anthropicDeployment = new Deployment("claude", "anthropic", "claude-sonnet-4-5", 1);
    }

    @TearDown
    public void tearDown() {
        Fixtures.release(body);
    }

    /** Returns the translated body's size; the body is released as a write would. */
    @Benchmark
    public int translateToAnthropic() throws TranslationException {
        TranslatedAttempt attempt = anthropic.prepare(Endpoint.CHAT_COMPLETIONS, body, anthropicProvider,
                anthropicDeployment, alloc);
        int bytes = attempt.body().readableBytes();
        attempt.body().release();
        return bytes;
    }

    /** The baseline: the passthrough body, the model name spliced in. */
    @Benchmark
    public int baselinePassthroughRewrite() {
        ByteBuf out = BodyRewriter.rewrite(body.retainedDuplicate(), sniffed, OPENAI_MODEL, true);
        int bytes = out.readableBytes();
        out.release();
        return bytes;
    }
}
