package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The YAML files the project ships must stay valid as the format grows. */
class ShippedConfigFilesTest {
    private static String read(String name) throws IOException {
        // Surefire runs with the module directory as the working directory.
        return Files.readString(Path.of(name));
    }

    @Test
    void embeddedDefaultServesTheMockDemoModelWithNoEnvironment() throws IOException {
        GatewayConfig config = SnapshotCodec.parse(read("brokle.yml"), Map.<String, String>of()::get);

        assertEquals(List.of("demo"), config.snapshot().servableModels(),
                "without provider keys only the mock route is on");
        assertEquals(ServerSettings.DEFAULT_PORT, config.server().port());
        assertTrue(config.snapshot().keysByHash().isEmpty(), "no key is shipped");
    }

    @Test
    void embeddedDefaultSwitchesOnTheTranslatedProvidersWhenTheirKeysAreSet() throws IOException {
        GatewayConfig gemini = SnapshotCodec.parse(read("brokle.yml"), Map.of("GEMINI_API_KEY", "test-value")::get);
        assertEquals(List.of("demo", "gemini-2.5-flash"), gemini.snapshot().servableModels());

        GatewayConfig cohere = SnapshotCodec.parse(read("brokle.yml"), Map.of("COHERE_API_KEY", "test-value")::get);
        assertEquals(List.of("command-r", "demo"), cohere.snapshot().servableModels());

        GatewayConfig bedrockHalf = SnapshotCodec.parse(read("brokle.yml"), Map.of("AWS_ACCESS_KEY_ID", "AKID")::get);
        assertEquals(List.of("demo"), bedrockHalf.snapshot().servableModels(), "both AWS keys are needed");
        GatewayConfig bedrock = SnapshotCodec.parse(read("brokle.yml"),
                Map.of("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "secret")::get);
        assertEquals(List.of("demo", "nova-lite"), bedrock.snapshot().servableModels());
    }

    @Test
    void embeddedDefaultSwitchesOnOpenAiRoutesWhenTheKeyIsSet() throws IOException {
        GatewayConfig config = SnapshotCodec.parse(read("brokle.yml"), Map.of("OPENAI_API_KEY", "test-value")::get);

        assertTrue(config.snapshot().servableModels().containsAll(List.of("demo", "gpt-4o-mini", "text-embedding-3-small")));
        assertFalse(config.snapshot().servableModels().contains("claude-sonnet-4-5"));
    }

    @Test
    void standaloneExampleIsValidOnceItsPepperIsSet() throws IOException {
        GatewayConfig config = SnapshotCodec.parse(read("gateway.yml"),
                Map.of("BROKLE_KEY_PEPPER", "0123456789abcdef0123")::get);

        Route gpt4o = config.snapshot().routes().get("gpt-4o");
        assertEquals(List.of("llama-3.3-70b"), gpt4o.fallbacks());
        assertEquals(RoutingStrategy.LEAST_LATENCY, config.snapshot().routes().get("gpt-4o-fast").strategy());
        Provider groq = config.snapshot().providers().get("groq");
        assertEquals(URI.create("https://api.groq.com/openai/v1"), groq.baseUrl(), "from preset: groq");
        assertEquals("groq", PriceTable.familyOf(groq));
        assertEquals(URI.create("http://127.0.0.1:8000/v1"), config.snapshot().providers().get("vllm-local").baseUrl());
    }
}
