package io.brokle.proxy.mock;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.config.MockOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the built-in {@code mock} provider says: completions and embeddings computed from the
 * request alone. No Netty, no clock and no shared state, so a client that knows the request and
 * the {@link MockOptions} can recompute every byte of the answer (the L1 load check compares
 * streams against this).
 *
 * <p>The rules:
 * <ul>
 *   <li>A prompt is a string: {@link #chatPrompt} for chat messages, {@link #textPrompt} for a
 *       legacy {@code prompt}. Its seed is {@link #hash} of that string.</li>
 *   <li>Content is lower-case ASCII words separated by single spaces, drawn from the seed, cut
 *       to exactly {@code chunks * chunkChars} characters and split into {@code chunks} pieces
 *       of {@code chunkChars} characters. It needs no escaping in JSON.</li>
 *   <li>Usage: {@code prompt_tokens = }{@link #tokensFor}{@code (prompt length)}, that is
 *       {@code max(1, ceil(chars / 4))}; {@code completion_tokens} is one per chunk.</li>
 *   <li>An embedding of an input is {@code dimensions} floats drawn from {@link #hash} of the
 *       input and scaled to unit length.</li>
 * </ul>
 */
public final class MockCompletions {
    /** Most characters of content in one completion ({@code chunks * chunkChars}). */
    public static final int MAX_CONTENT_CHARS = 1 << 26;

    private static final String[] WORDS = {
        "alpha", "bravo", "cargo", "delta", "ember", "fable", "gamma", "harbor", "island", "jolly",
        "kernel", "lumen", "mango", "nectar", "orbit", "pepper", "quartz", "river", "signal", "timber",
        "umbra", "velvet", "willow", "xenon", "yonder", "zephyr", "a", "of", "the", "and", "to", "in",
    };
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private final MockOptions options;

    /** @throws IllegalArgumentException if {@code chunks * chunkChars} exceeds {@link #MAX_CONTENT_CHARS} */
    public MockCompletions(MockOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        long contentChars = (long) options.chunks() * options.chunkChars();
        if (contentChars > MAX_CONTENT_CHARS) {
            throw new IllegalArgumentException("chunks * chunkChars: " + contentChars
                    + " (expected: <= " + MAX_CONTENT_CHARS + ")");
        }
    }

    public MockOptions options() {
        return options;
    }

    /** The completion of {@code prompt}: same prompt, same completion. */
    public Completion complete(String prompt) {
        long seed = hash(prompt);
        String content = words(seed, options.chunks() * options.chunkChars());
        return new Completion(seed, content, options.chunks(), tokensFor(prompt.length()));
    }

    /** A unit vector of {@code options().embeddingDimensions()} floats for {@code input}. */
    public float[] embedding(String input) {
        return embedding(input, options.embeddingDimensions());
    }

    /** A unit vector of {@code dimensions} floats for {@code input}; same input, same vector. */
    public float[] embedding(String input, int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions: " + dimensions + " (expected: >= 1)");
        }
        float[] vector = new float[dimensions];
        long state = hash(input);
        double squares = 0;
        for (int i = 0; i < dimensions; i++) {
            state += GOLDEN_GAMMA;
            float value = (float) ((mix(state) >>> 11) * 0x1.0p-53 * 2 - 1);
            vector[i] = value;
            squares += (double) value * value;
        }
        if (squares == 0) {
            vector[0] = 1;
            return vector;
        }
        double scale = 1 / Math.sqrt(squares);
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (vector[i] * scale);
        }
        return vector;
    }

    /**
     * The prompt of a chat request: for each message its {@code role}, a newline, its text and a
     * newline. The text is {@code content} when it is a string, the {@code text} of each part
     * when it is an array of parts (other parts as their JSON), and empty when absent or null.
     */
    public static String chatPrompt(JsonNode messages) {
        StringBuilder prompt = new StringBuilder(256);
        for (JsonNode message : messages) {
            prompt.append(message.path("role").asText()).append('\n');
            JsonNode content = message.path("content");
            if (content.isTextual()) {
                prompt.append(content.textValue());
            } else if (content.isArray()) {
                for (JsonNode part : content) {
                    JsonNode text = part.path("text");
                    prompt.append(text.isTextual() ? text.textValue() : part.toString());
                }
            } else if (!content.isMissingNode() && !content.isNull()) {
                prompt.append(content);
            }
            prompt.append('\n');
        }
        return prompt.toString();
    }

    /**
     * The prompt of a legacy completion request: the string itself, a token array as its JSON
     * text, or the elements of an array of strings (or token arrays) joined by newlines.
     */
    public static String textPrompt(JsonNode prompt) {
        if (prompt.isTextual()) {
            return prompt.textValue();
        }
        if (!prompt.isArray() || isTokenArray(prompt)) {
            return prompt.toString();
        }
        StringBuilder joined = new StringBuilder(256);
        for (JsonNode element : prompt) {
            if (!joined.isEmpty()) {
                joined.append('\n');
            }
            joined.append(element.isTextual() ? element.textValue() : element.toString());
        }
        return joined.toString();
    }

    /**
     * The inputs of an embeddings request: one for a string or a token array (as its JSON
     * text), one per element for an array of strings or of token arrays.
     */
    public static List<String> embeddingInputs(JsonNode input) {
        if (input.isTextual()) {
            return List.of(input.textValue());
        }
        if (!input.isArray() || isTokenArray(input)) {
            return List.of(input.toString());
        }
        List<String> inputs = new ArrayList<>(input.size());
        for (JsonNode element : input) {
            inputs.add(element.isTextual() ? element.textValue() : element.toString());
        }
        return inputs;
    }

    /** Tokens charged for {@code chars} characters of prompt: {@code max(1, ceil(chars / 4))}. */
    public static int tokensFor(int chars) {
        return Math.max(1, (chars + 3) / 4);
    }

    /** FNV-1a over the UTF-16 chars of {@code text}, finished with a 64-bit mixer. */
    public static long hash(CharSequence text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0, n = text.length(); i < n; i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static boolean isTokenArray(JsonNode array) {
        return !array.isEmpty() && array.get(0).isNumber();
    }

    private static String words(long seed, int length) {
        StringBuilder text = new StringBuilder(length + 8);
        long state = seed;
        while (text.length() < length) {
            state += GOLDEN_GAMMA;
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(WORDS[(int) ((mix(state) >>> 1) % WORDS.length)]);
        }
        text.setLength(length);
        return text.toString();
    }

    /** The SplitMix64 / MurmurHash3 finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /**
     * One completion.
     *
     * @param seed         the prompt's hash; also names the completion ({@link #idSuffix})
     * @param content      the whole content, {@code chunks} pieces of equal length
     * @param chunks       how many pieces {@code content} is split into
     * @param promptTokens tokens charged for the prompt
     */
    public record Completion(long seed, String content, int chunks, int promptTokens) {
        public Completion {
            Objects.requireNonNull(content, "content");
            if (chunks < 1 || content.length() % chunks != 0) {
                throw new IllegalArgumentException("chunks: " + chunks + " (expected: >= 1 and dividing "
                        + content.length() + ")");
            }
        }

        /** Piece {@code index} (0-based) of the content. */
        public String chunk(int index) {
            int chunkChars = content.length() / chunks;
            return content.substring(index * chunkChars, (index + 1) * chunkChars);
        }

        /** One token per chunk. */
        public int completionTokens() {
            return chunks;
        }

        public int totalTokens() {
            return promptTokens + completionTokens();
        }

        /** The seed in hex, as used in response ids ({@code chatcmpl-mock-<idSuffix>}). */
        public String idSuffix() {
            return Long.toHexString(seed);
        }
    }
}
