package io.brokle.proxy.adapt.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.ProviderAdapters;
import io.brokle.proxy.adapt.ResponseTranslator;
import io.brokle.proxy.adapt.TranslatedAttempt;
import io.brokle.proxy.adapt.TranslatedError;
import io.brokle.proxy.http.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The answer side of {@code /v1/messages} for providers that are not Anthropic: OpenAI answers
 * become Anthropic answers, and so do the answers of a provider adapter's own translator to
 * OpenAI (here the Anthropic adapter's, a real adapter whose provider format the recorded streams
 * are in), so the chain Anthropic client, OpenAI, adapter, OpenAI, Anthropic client holds for any
 * adapter.
 */
class AnthropicClientAnswersTest {
    private static List<String> feed(AnthropicClientAnswers answers, String providerStream, boolean withNames) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> event : SseText.parse(providerStream)) {
            String text = (withNames && event.getKey() != null ? "event: " + event.getKey() + "\n" : "")
                    + "data: " + event.getValue() + "\n\n";
            ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
            try {
                out.addAll(answers.event(buf));
            } finally {
                buf.release();
            }
        }
        return out;
    }

    private static ObjectNode assembled(List<String> anthropicEvents) {
        return Assemble.anthropicMessage(SseText.parse(String.join("", anthropicEvents)));
    }

    /** The Anthropic adapter's translator for one streamed chat completion request. */
    private static ResponseTranslator anthropicAdapterTranslator() throws Exception {
        Provider provider = new Provider("claude", ProviderKind.ANTHROPIC, URI.create("https://api.anthropic.com"),
                "sk-ant-test", null, true, UpstreamTimeouts.DEFAULTS, null);
        Deployment deployment = new Deployment("sonnet", "claude", "claude-sonnet-4-5", 1);
        ByteBuf request = Unpooled.copiedBuffer("{\"model\":\"claude\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", StandardCharsets.UTF_8);
        try {
            TranslatedAttempt attempt = ProviderAdapters.forKind(ProviderKind.ANTHROPIC).prepare(
                    Endpoint.CHAT_COMPLETIONS, request, provider, deployment, ByteBufAllocator.DEFAULT);
            attempt.body().release();
            return attempt.translator();
        } finally {
            request.release();
        }
    }

    @Test
    void anOpenAiStreamBecomesACompleteAnthropicStreamWithUsage() {
        AnthropicClientAnswers answers = new AnthropicClientAnswers(null, null);

        List<String> events = feed(answers, RecordedStreams.OPENAI_TEXT, false);

        List<String> names = SseText.parse(String.join("", events)).stream().map(Map.Entry::getKey).toList();
        assertEquals("message_start", names.get(0));
        assertEquals(List.of("message_delta", "message_stop"), names.subList(names.size() - 2, names.size()));
        ObjectNode message = assembled(events);
        assertEquals("Hello! How can I assist you today?", message.get("content").get(0).get("text").asText());
        assertEquals(1024, message.get("usage").get("cache_read_input_tokens").asLong());
        assertEquals(116, message.get("usage").get("input_tokens").asLong());
        assertFalse(answers.failed());
    }

    @Test
    void toolUseThroughAnAdaptersOwnTranslatorComesBackAsTheSameToolUse() throws Exception {
        AnthropicClientAnswers answers = new AnthropicClientAnswers(anthropicAdapterTranslator(), null);

        List<String> events = feed(answers, RecordedStreams.ANTHROPIC_TOOL_USE, true);

        ObjectNode original = Assemble.anthropicMessage(SseText.parse(RecordedStreams.ANTHROPIC_TOOL_USE));
        ObjectNode back = assembled(events);
        List<JsonNode> originalTools = new ArrayList<>();
        original.get("content").forEach(b -> {
            if (b.get("type").asText().equals("tool_use")) {
                originalTools.add(b);
            }
        });
        List<JsonNode> backTools = new ArrayList<>();
        back.get("content").forEach(b -> {
            if (b.get("type").asText().equals("tool_use")) {
                backTools.add(b);
            }
        });
        assertEquals(originalTools, backTools, "ids, names and inputs survive both translations");
        assertEquals("tool_use", back.get("stop_reason").asText());
        assertEquals(original.get("usage").get("cache_creation_input_tokens"),
                back.get("usage").get("cache_creation_input_tokens"));
        assertTrue(SseText.parse(String.join("", events)).stream().anyMatch(e -> e.getKey().equals("message_stop")));
    }

    @Test
    void aProviderErrorEventMidStreamBecomesOneAnthropicErrorEventThroughTheAdapter() throws Exception {
        AnthropicClientAnswers answers = new AnthropicClientAnswers(anthropicAdapterTranslator(), null);

        List<String> events = feed(answers, RecordedStreams.ANTHROPIC_OVERLOADED_MIDWAY, true);

        List<Map.Entry<String, String>> parsed = SseText.parse(String.join("", events));
        assertEquals("error", parsed.get(parsed.size() - 1).getKey());
        assertEquals(1, parsed.stream().filter(e -> e.getKey().equals("error")).count());
        assertEquals("overloaded_error", Json.parseOrNull(parsed.get(parsed.size() - 1).getValue())
                .get("error").get("type").asText());
        assertTrue(answers.failed());
    }

    @Test
    void errorsBecomeAnthropicErrorsAndAPageThatIsNoErrorDocumentA502() {
        AnthropicClientAnswers answers = new AnthropicClientAnswers(null, null);
        ByteBuf openAi = Unpooled.copiedBuffer("{\"error\":{\"message\":\"Slow down\",\"type\":\"requests\","
                + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}", StandardCharsets.UTF_8);
        ByteBuf html = Unpooled.copiedBuffer("<html>Bad gateway</html>", StandardCharsets.UTF_8);
        try {
            TranslatedError limited = answers.error(429, openAi);
            assertEquals(429, limited.status());
            assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow down\"}}",
                    limited.json());
            TranslatedError page = answers.error(503, html);
            assertEquals(502, page.status());
            assertEquals("api_error", page.body().get("error").get("type").asText());
        } finally {
            openAi.release();
            html.release();
        }
    }

    @Test
    void aWholeAnswerThroughAnAdapterKeepsItsToolUse() throws Exception {
        AnthropicClientAnswers answers = new AnthropicClientAnswers(anthropicAdapterTranslator(), "top_k");
        String anthropicMessage = """
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
                 {"type":"text","text":"Checking."},
                 {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":5,"output_tokens":7}}""";
        ByteBuf body = Unpooled.copiedBuffer(anthropicMessage, StandardCharsets.UTF_8);
        try {
            JsonNode back = Json.parseOrNull(new String(answers.answer(body), StandardCharsets.UTF_8));
            JsonNode original = Json.parseOrNull(anthropicMessage);
            assertEquals(original.get("content"), back.get("content"));
            assertEquals(original.get("usage"), back.get("usage"));
            assertEquals("tool_use", back.get("stop_reason").asText());
        } finally {
            body.release();
        }
        assertEquals("top_k", answers.droppedParams());
    }
}
