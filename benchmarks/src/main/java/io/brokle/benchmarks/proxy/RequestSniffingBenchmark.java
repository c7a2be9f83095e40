package io.brokle.benchmarks.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.proxy.http.BadRequestException;
import io.brokle.proxy.http.Endpoint;
import io.brokle.proxy.http.RequestSniffer;
import io.brokle.proxy.http.SniffedRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
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
 * Request field extraction: {@link RequestSniffer} (one streaming pass, nothing built) against
 * a full Jackson parse of the body into a tree, the way a gateway that re-encodes would read it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RequestSniffingBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Param({"small", "30kb"})
    public String size;

    ByteBuf body;

    @Setup
    public void setUp() {
        body = Fixtures.directBuffer(Fixtures.chatBody(size), PooledByteBufAllocator.DEFAULT);
    }

    @TearDown
    public void tearDown() {
        Fixtures.release(body);
    }

    @Benchmark
    public SniffedRequest sniff() throws BadRequestException {
        return RequestSniffer.sniff(body, Endpoint.CHAT_COMPLETIONS);
    }

    /** The baseline: the whole body as a Jackson tree, then the same fields read from it. */
    @Benchmark
    public JsonNode baselineJacksonReadTree() throws IOException {
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            JsonNode tree = JSON.readTree(in);
            if (!tree.path("model").isTextual() || !tree.has("messages")) {
                throw new IllegalStateException("not a chat request");
            }
            return tree;
        }
    }
}
