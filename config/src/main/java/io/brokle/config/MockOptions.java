package io.brokle.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the built-in {@code mock} provider answers.
 *
 * @param latency             delay before the first byte of every answer
 * @param chunkDelay          delay between two streamed chunks
 * @param chunks              content chunks in a completion (streamed or not)
 * @param chunkChars          characters of content per chunk
 * @param embeddingDimensions length of every embedding vector
 */
public record MockOptions(Duration latency, Duration chunkDelay, int chunks, int chunkChars, int embeddingDimensions) {
    public static final Duration DEFAULT_LATENCY = Duration.ZERO;
    public static final Duration DEFAULT_CHUNK_DELAY = Duration.ZERO;
    public static final int DEFAULT_CHUNKS = 8;
    public static final int DEFAULT_CHUNK_CHARS = 16;
    public static final int DEFAULT_EMBEDDING_DIMENSIONS = 64;
    public static final MockOptions DEFAULTS = new MockOptions(DEFAULT_LATENCY, DEFAULT_CHUNK_DELAY,
            DEFAULT_CHUNKS, DEFAULT_CHUNK_CHARS, DEFAULT_EMBEDDING_DIMENSIONS);

    public MockOptions {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(chunkDelay, "chunkDelay");
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency: " + latency + " (expected: >= 0)");
        }
        if (chunkDelay.isNegative()) {
            throw new IllegalArgumentException("chunkDelay: " + chunkDelay + " (expected: >= 0)");
        }
        if (chunks < 1 || chunks > 100_000) {
            throw new IllegalArgumentException("chunks: " + chunks + " (expected: 1..100000)");
        }
        if (chunkChars < 1 || chunkChars > 1_000_000) {
            throw new IllegalArgumentException("chunkChars: " + chunkChars + " (expected: 1..1000000)");
        }
        if (embeddingDimensions < 1 || embeddingDimensions > 65_536) {
            throw new IllegalArgumentException("embeddingDimensions: " + embeddingDimensions + " (expected: 1..65536)");
        }
    }
}
