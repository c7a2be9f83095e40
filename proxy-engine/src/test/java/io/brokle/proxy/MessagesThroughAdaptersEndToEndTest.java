package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import io.brokle.proxy.testing.BedrockUpstream;
import io.brokle.proxy.testing.CohereUpstream;
import io.brokle.proxy.testing.GeminiUpstream;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.TestGateway;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Anthropic clients ({@code POST /v1/messages}, the official Anthropic SDK) reaching providers
 * that need an adapter: the request goes Anthropic -> OpenAI -> the provider's API, the answer
 * comes back the other way, whole or streamed. Each mock speaks its provider's real wire format.
 */
class MessagesThroughAdaptersEndToEndTest {
    /** A mock provider speaking its vendor's API, and where it expects chat requests. */
    enum Vendor {
        GEMINI("/v1beta/models/gemini-2.5-flash:generateContent",
                "/v1beta/models/gemini-2.5-flash:streamGenerateContent"),
        COHERE("/v2/chat", "/v2/chat"),
        BEDROCK("/model/amazon.nova-lite-v1%3A0/converse", "/model/amazon.nova-lite-v1%3A0/converse-stream");

        final String wholePath;
        final String streamPath;

        Vendor(String wholePath, String streamPath) {
            this.wholePath = wholePath;
            this.streamPath = streamPath;
        }
    }

    /** One running mock, whatever its vendor. */
    private interface Mock extends AutoCloseable {
        /** The provider's YAML, without its name. */
        String providerYaml();

        String model();

        RecordedRequest take() throws InterruptedException;

        @Override
        void close();
    }

    private static Mock start(Vendor vendor) {
        return switch (vendor) {
            case GEMINI -> {
                GeminiUpstream up = GeminiUpstream.start();
                yield new Mock() {
                    public String providerYaml() {
                        return "kind: gemini, baseUrl: " + up.baseUrl() + ", apiKey: " + up.apiKey();
                    }
                    public String model() { return "gemini-2.5-flash"; }
                    public RecordedRequest take() throws InterruptedException { return up.takeRequest(Duration.ofSeconds(2)); }
                    public void close() { up.close(); }
                };
            }
            case COHERE -> {
                CohereUpstream up = CohereUpstream.start();
                yield new Mock() {
                    public String providerYaml() {
                        return "kind: cohere, baseUrl: " + up.baseUrl() + ", apiKey: " + up.apiKey();
                    }
                    public String model() { return "command-r-08-2024"; }
                    public RecordedRequest take() throws InterruptedException { return up.takeRequest(Duration.ofSeconds(2)); }
                    public void close() { up.close(); }
                };
            }
            case BEDROCK -> {
                BedrockUpstream up = BedrockUpstream.start();
                yield new Mock() {
                    public String providerYaml() {
                        return "kind: bedrock, region: " + up.region() + ", baseUrl: " + up.baseUrl() + ", accessKeyId: "
                                + BedrockUpstream.ACCESS_KEY_ID + ", secretAccessKey: " + BedrockUpstream.SECRET_ACCESS_KEY;
                    }
                    public String model() { return "\"amazon.nova-lite-v1:0\""; }
                    public RecordedRequest take() throws InterruptedException { return up.takeRequest(Duration.ofSeconds(2)); }
                    public void close() { up.close(); }
                };
            }
        };
    }

    private static TestGateway gateway(Mock mock) {
        return TestGateway.start("providers:\n"
                + "  - {name: up, " + mock.providerYaml() + "}\n"
                + "deployments:\n"
                + "  - {name: d, provider: up, model: " + mock.model() + "}\n"
                + "routes:\n"
                + "  - {model: claude-alias, deployments: [d], maxAttempts: 1}\n"
                + EndToEndSupport.keyYaml());
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aWholeMessageIsTranslatedThroughTheProvidersApiAndBack(Vendor vendor) throws InterruptedException {
        try (Mock mock = start(vendor);
             TestGateway gw = gateway(mock);
             MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            Message message = claude.api().messages().create(MessageCreateParams.builder().model("claude-alias")
                    .maxTokens(200).system("Be brief.").addUserMessage("Hello from Claude's SDK").build());

            message.validate();
            assertEquals("Hello! You said: Hello from Claude's SDK", message.content().get(0).text().orElseThrow().text());
            assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
            assertTrue(message.usage().outputTokens() > 0);
            RecordedRequest sent = mock.take();
            assertEquals(vendor.wholePath, sent.path());
            assertTrue(sent.bodyText().contains("Be brief."), "the system prompt reached the provider");
        }
    }

    @ParameterizedTest
    @EnumSource(Vendor.class)
    void aStreamedMessageIsTranslatedThroughTheProvidersApiAndBack(Vendor vendor) throws InterruptedException {
        try (Mock mock = start(vendor);
             TestGateway gw = gateway(mock);
             MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> stream = claude.api().messages().createStreaming(
                    MessageCreateParams.builder().model("claude-alias").maxTokens(200)
                            .addUserMessage("Stream it to Claude").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }

            Message message = accumulator.message();
            message.validate();
            assertEquals("Hello! You said: Stream it to Claude", message.content().get(0).text().orElseThrow().text());
            assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
            assertTrue(message.usage().outputTokens() > 0, "usage from the provider's stream");
            assertEquals(vendor.streamPath, mock.take().path());
        }
    }
}
