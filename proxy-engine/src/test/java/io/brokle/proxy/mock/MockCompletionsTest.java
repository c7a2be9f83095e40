package io.brokle.proxy.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brokle.config.MockOptions;
import io.brokle.proxy.mock.MockCompletions.Completion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MockCompletionsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final MockCompletions completions = new MockCompletions(MockOptions.DEFAULTS);

    @Test
    void sameMessagesGiveTheSameCompletion() throws Exception {
        JsonNode messages = MAPPER.readTree("[{\"role\":\"user\",\"content\":\"hello\"}]");
        JsonNode sameMessagesReformatted = MAPPER.readTree("[ {\"content\": \"hello\", \"role\": \"user\"} ]");

        Completion first = completions.complete(MockCompletions.chatPrompt(messages));
        Completion second = new MockCompletions(MockOptions.DEFAULTS)
                .complete(MockCompletions.chatPrompt(sameMessagesReformatted));

        assertEquals(first, second);
    }

    @Test
    void differentMessagesGiveDifferentContent() throws Exception {
        Completion hello = completions.complete(MockCompletions.chatPrompt(
                MAPPER.readTree("[{\"role\":\"user\",\"content\":\"hello\"}]")));
        Completion goodbye = completions.complete(MockCompletions.chatPrompt(
                MAPPER.readTree("[{\"role\":\"user\",\"content\":\"goodbye\"}]")));
        Completion helloAsSystem = completions.complete(MockCompletions.chatPrompt(
                MAPPER.readTree("[{\"role\":\"system\",\"content\":\"hello\"}]")));

        assertNotEquals(hello.content(), goodbye.content());
        assertNotEquals(hello.content(), helloAsSystem.content());
        assertNotEquals(hello.idSuffix(), goodbye.idSuffix());
    }

    @Test
    void contentIsExactlyChunksTimesChunkCharsOfPlainAsciiWords() {
        MockOptions options = new MockOptions(Duration.ZERO, Duration.ZERO, 5, 7, 8);
        Completion completion = new MockCompletions(options).complete("any prompt");

        assertEquals(5, completion.chunks());
        assertEquals(35, completion.content().length());
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < completion.chunks(); i++) {
            assertEquals(7, completion.chunk(i).length(), "chunk " + i);
            joined.append(completion.chunk(i));
        }
        assertEquals(completion.content(), joined.toString());
        assertTrue(completion.content().matches("[a-z ]+"), completion.content());
    }

    @Test
    void usageChargesAQuarterTokenPerPromptCharAndOneTokenPerChunk() {
        Completion nine = completions.complete("123456789");
        Completion empty = completions.complete("");

        assertEquals(3, nine.promptTokens());
        assertEquals(MockOptions.DEFAULT_CHUNKS, nine.completionTokens());
        assertEquals(3 + MockOptions.DEFAULT_CHUNKS, nine.totalTokens());
        assertEquals(1, empty.promptTokens());
    }

    @Test
    void chatPromptUsesTextOfContentParts() throws Exception {
        JsonNode parts = MAPPER.readTree("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]},"
                + "{\"role\":\"assistant\",\"content\":null}]");

        assertEquals("user\nhi\nassistant\n\n", MockCompletions.chatPrompt(parts));
    }

    @Test
    void embeddingIsAUnitVectorOfTheConfiguredLength() {
        float[] vector = completions.embedding("the quick brown fox");

        assertEquals(MockOptions.DEFAULT_EMBEDDING_DIMENSIONS, vector.length);
        double squares = 0;
        for (float value : vector) {
            squares += value * value;
        }
        assertEquals(1.0, squares, 1e-5);
    }

    @Test
    void sameInputGivesTheSameEmbeddingAndOtherInputsAnother() {
        assertArrayEquals(completions.embedding("fox"), completions.embedding("fox"));
        assertFalse(java.util.Arrays.equals(completions.embedding("fox"), completions.embedding("dog")));
        assertEquals(3, completions.embedding("fox", 3).length);
    }

    @Test
    void embeddingInputsSplitArraysButKeepTokenArraysWhole() throws Exception {
        assertEquals(List.of("a"), MockCompletions.embeddingInputs(MAPPER.readTree("\"a\"")));
        assertEquals(List.of("a", "b"), MockCompletions.embeddingInputs(MAPPER.readTree("[\"a\",\"b\"]")));
        assertEquals(List.of("[1,2,3]"), MockCompletions.embeddingInputs(MAPPER.readTree("[1,2,3]")));
        assertEquals(List.of("[1,2]", "[3]"), MockCompletions.embeddingInputs(MAPPER.readTree("[[1,2],[3]]")));
    }

    @Test
    void rejectsContentLargerThanTheLimit() {
        MockOptions huge = new MockOptions(Duration.ZERO, Duration.ZERO, 100_000, 1_000_000, 8);

        assertThrows(IllegalArgumentException.class, () -> new MockCompletions(huge));
    }
}
