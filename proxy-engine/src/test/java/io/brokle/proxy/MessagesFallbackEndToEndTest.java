package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import io.brokle.proxy.testing.AnthropicUpstream;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One route with an Anthropic deployment first and an OpenAI-format one behind it: an Anthropic
 * client's request that the first refuses before answering (529 overloaded) is sent on to the
 * second, translated, and the client gets one whole Anthropic answer, streamed or not, without
 * seeing the failure.
 */
class MessagesFallbackEndToEndTest {
    private AnthropicUpstream anthropic;
    private ScriptedUpstream openAi;
    private TestGateway gw;

    @BeforeEach
    void start() {
        anthropic = AnthropicUpstream.start();
        openAi = ScriptedUpstream.start();
        gw = TestGateway.start("providers:\n"
                + "  - {name: claude, kind: anthropic, baseUrl: " + anthropic.baseUrl() + ", apiKey: " + anthropic.apiKey() + "}\n"
                + "  - {name: upstream, kind: openai, baseUrl: " + openAi.baseUrl() + ", apiKey: "
                + EndToEndSupport.UPSTREAM_SECRET + "}\n"
                + "deployments:\n"
                + "  - {name: sonnet, provider: claude, model: claude-sonnet-4-5}\n"
                + "  - {name: gpt, provider: upstream, model: upstream-model}\n"
                + "routes:\n"
                + "  - {model: smart, deployments: [sonnet, gpt], strategy: priority}\n"
                + EndToEndSupport.keyYaml());
    }

    @AfterEach
    void stop() {
        gw.close();
        openAi.close();
        anthropic.close();
    }

    private static MessageCreateParams params(String text) {
        return MessageCreateParams.builder().model("smart").maxTokens(200).addUserMessage(text).build();
    }

    @Test
    void anOverloadedAnthropicDeploymentFallsBackToATranslatedOne() {
        anthropic.overloadNext();
        String expected = EndToEndSupport.expectedCompletion(openAi.options(), "Fall back please").content();
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY)) {
            Message message = claude.api().messages().create(params("Fall back please"));

            assertEquals(expected, message.content().get(0).text().orElseThrow().text());
            assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        }
        assertEquals(1, anthropic.requests().size());
        assertEquals(1, openAi.requestCount());
    }

    @Test
    void aStreamFallsBackBeforeItsFirstByteWithoutTheClientNoticing() {
        anthropic.overloadNext();
        String expected = EndToEndSupport.expectedCompletion(openAi.options(), "Stream after a fall back").content();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (MessagesSupport.Claude claude = MessagesSupport.sdk(gw, TestGateway.KEY);
             StreamResponse<RawMessageStreamEvent> stream = claude.api().messages().createStreaming(
                     params("Stream after a fall back"))) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertEquals(expected, accumulator.message().content().get(0).text().orElseThrow().text());
        assertEquals(1, openAi.requestCount());
    }

    @Test
    void theAnswerNamesTheDeploymentThatServedItAndTheAttempts() {
        anthropic.overloadNext();
        try (HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = MessagesSupport.post(http, gw, TestGateway.KEY,
                    MessagesSupport.message("smart", "who answered?", false));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("gpt", r.headers().firstValue("x-brokle-deployment").orElseThrow());
            assertEquals("2", r.headers().firstValue("x-brokle-attempts").orElseThrow());
            assertEquals("message", EndToEndSupport.parse(r.body()).get("type").asText());
            assertFalse(r.headers().firstValue("x-request-id").orElseThrow().isEmpty());
        }
    }
}
