package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import org.junit.jupiter.api.Test;

/**
 * The official Anthropic Java SDK parses what {@link AnthropicUpstream} sends, whole and
 * streamed: the mock speaks the Messages API's real wire format, so tests built on it test the
 * gateway against what Anthropic really sends.
 */
class AnthropicSdkAgainstMockTest {
    private static MessageCreateParams params(String text) {
        return MessageCreateParams.builder().model("claude-sonnet-4-5").maxTokens(256).addUserMessage(text).build();
    }

    @Test
    void sdkReadsAWholeMessage() {
        try (AnthropicUpstream mock = AnthropicUpstream.start()) {
            AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(mock.baseUrl()).apiKey(mock.apiKey())
                    .maxRetries(0).build();
            try {
                Message message = client.messages().create(params("Hello from the official SDK"));

                message.validate();
                assertFalse(message.content().isEmpty());
                assertTrue(message.content().get(0).text().isPresent());
                assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
                assertTrue(message.usage().inputTokens() > 0);
            } finally {
                client.close();
            }
        }
    }

    @Test
    void sdkAccumulatesAStreamedMessage() {
        try (AnthropicUpstream mock = AnthropicUpstream.start()) {
            AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(mock.baseUrl()).apiKey(mock.apiKey())
                    .maxRetries(0).build();
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params("Stream please"))) {
                stream.stream().forEach(accumulator::accumulate);
            } finally {
                client.close();
            }
            Message message = accumulator.message();
            message.validate();
            assertTrue(message.content().get(0).text().orElseThrow().text().length() > 0);
            assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
            assertTrue(message.usage().outputTokens() > 0);
        }
    }
}
