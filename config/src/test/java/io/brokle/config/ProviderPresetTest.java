package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code providers[].preset}: the defaults it fills in, what the file still wins, and its mistakes. */
class ProviderPresetTest {
    private static final Map<String, String> KEY = Map.of("KEY", "test-value");

    private static Provider upWith(String providerLines, Map<String, String> env) {
        return Yaml.parse(Yaml.openAiWith(providerLines), env).snapshot().providers().get("up");
    }

    /** One provider {@code up} of {@code kind} with {@code providerLines}, a deployment and a route. */
    private static String providerOfKind(String kind, String providerLines) {
        return Yaml.openAiWith(providerLines).replace("kind: openai", "kind: " + kind);
    }

    @ParameterizedTest
    @CsvSource(nullValues = "none", textBlock = """
            openai,     https://api.openai.com/v1,             openai,   openai
            groq,       https://api.groq.com/openai/v1,        groq,     groq
            mistral,    https://api.mistral.ai/v1,             mistral,  mistral
            together,   https://api.together.xyz/v1,           none,     openai
            deepseek,   https://api.deepseek.com/v1,           deepseek, deepseek
            fireworks,  https://api.fireworks.ai/inference/v1, none,     openai
            openrouter, https://openrouter.ai/api/v1,          none,     openai
            xai,        https://api.x.ai/v1,                   none,     openai
            ollama,     http://127.0.0.1:11434/v1,             none,     openai
            vllm,       http://127.0.0.1:8000/v1,              none,     openai
            """)
    void anOpenAiPresetFillsBaseUrlAndPriceFamily(String preset, URI baseUrl, String priceFamily, String familyOf) {
        Provider up = upWith("preset: " + preset + "\napiKey: ${KEY}", KEY);

        assertEquals(ProviderKind.OPENAI, up.kind());
        assertEquals(baseUrl, up.baseUrl());
        assertEquals(priceFamily, up.priceFamily());
        assertEquals(familyOf, PriceTable.familyOf(up));
        assertTrue(up.enabled());
    }

    @ParameterizedTest
    @EnumSource(ProviderPreset.class)
    void everyPresetFamilyIsInTheShippedPriceTable(ProviderPreset preset) {
        if (preset.priceFamily() != null) {
            assertTrue(PriceTable.shipped().families().contains(preset.priceFamily()), preset::toString);
        }
        assertEquals(preset.needsKey(), preset.keyVariable() != null);
        assertEquals(preset, ProviderPreset.fromYaml(" " + preset.yamlName().toUpperCase() + " ").orElseThrow());
    }

    @Test
    void anExplicitBaseUrlWinsAndThePresetStillGivesTheFamily() {
        Provider up = upWith("preset: groq\nbaseUrl: https://llm-proxy.example.com/groq/v1\napiKey: ${KEY}", KEY);

        assertEquals(URI.create("https://llm-proxy.example.com/groq/v1"), up.baseUrl());
        assertEquals("groq", up.priceFamily());
    }

    @Test
    void anExplicitPriceFamilyWins() {
        Provider up = upWith("preset: openrouter\npriceFamily: anthropic\napiKey: ${KEY}", KEY);

        assertEquals(URI.create("https://openrouter.ai/api/v1"), up.baseUrl());
        assertEquals("anthropic", up.priceFamily());
    }

    @Test
    void anUnknownPresetIsReportedWithTheKnownOnes() {
        assertEquals(List.of("providers[0].preset: unknown preset \"grok\" (expected one of: openai, azure, anthropic,"
                        + " gemini, groq, mistral, together, deepseek, fireworks, openrouter, xai, ollama, vllm, cohere)"),
                Yaml.problems(Yaml.openAiWith("preset: grok\nbaseUrl: https://api.x.ai/v1\napiKey: k")));
    }

    @Test
    void aPresetThatNeedsAKeyReportsAMissingApiKeyField() {
        assertEquals(List.of("providers[0].apiKey: missing (preset groq needs a key, e.g. ${GROQ_API_KEY:-})"),
                Yaml.problems(Yaml.openAiWith("preset: groq")));
    }

    @Test
    void anApiKeyThatResolvesEmptyStillOnlySwitchesTheProviderOff() {
        Provider up = upWith("preset: groq\napiKey: ${GROQ_API_KEY:-}", Map.of());

        assertFalse(up.enabled());
        assertNull(up.apiKey());
    }

    @ParameterizedTest
    @CsvSource({"ollama, http://127.0.0.1:11434/v1", "vllm, http://127.0.0.1:8000/v1"})
    void aLocalPresetNeedsNoKey(String preset, URI baseUrl) {
        Provider up = upWith("preset: " + preset, Map.of());

        assertEquals(baseUrl, up.baseUrl());
        assertNull(up.apiKey());
        assertTrue(up.enabled());
    }

    @Test
    void theAnthropicPresetFillsTheMessagesApiBaseUrl() {
        Provider up = Yaml.parse(providerOfKind("anthropic", "preset: anthropic\napiKey: ${KEY}"), KEY)
                .snapshot().providers().get("up");

        assertEquals(URI.create("https://api.anthropic.com"), up.baseUrl());
        assertEquals("anthropic", up.priceFamily());
    }

    @Test
    void theCoherePresetFillsTheV2BaseUrlAndPriceFamily() {
        Provider up = Yaml.parse(providerOfKind("cohere", "preset: cohere\napiKey: ${KEY}"), KEY)
                .snapshot().providers().get("up");

        assertEquals(ProviderKind.COHERE, up.kind());
        assertEquals(URI.create("https://api.cohere.com"), up.baseUrl());
        assertEquals("cohere", up.priceFamily());
        assertEquals("cohere", PriceTable.familyOf(up));
    }

    @Test
    void aCohereProviderNeedsAKeyAndTakesNoApiVersion() {
        assertEquals(List.of("providers[0].apiKey: missing (required for kind cohere)"),
                Yaml.problems(providerOfKind("cohere", "preset: cohere")));
        assertEquals(List.of("providers[0].apiVersion: only for kinds azure and anthropic (remove it)"),
                Yaml.problems(providerOfKind("cohere", "baseUrl: https://api.cohere.com\napiKey: k\napiVersion: v2")));
    }

    @Test
    void theGeminiPresetFillsTheGeminiApiBaseUrlAndTheGoogleFamily() {
        Provider up = Yaml.parse(providerOfKind("gemini", "preset: gemini\napiKey: ${KEY}"), KEY)
                .snapshot().providers().get("up");

        assertEquals(ProviderKind.GEMINI, up.kind());
        assertEquals(URI.create("https://generativelanguage.googleapis.com"), up.baseUrl());
        assertEquals("google", up.priceFamily());
        assertEquals("test-value", up.apiKey());
    }

    @Test
    void aGeminiProviderNeedsAnApiKeyFieldAndTakesNoApiVersion() {
        assertEquals(List.of("providers[0].apiKey: missing (required for kind gemini)"),
                Yaml.problems(providerOfKind("gemini", "preset: gemini")));
        assertEquals(List.of("providers[0].apiVersion: only for kinds azure and anthropic (remove it)"),
                Yaml.problems(providerOfKind("gemini", "preset: gemini\napiKey: k\napiVersion: v1")));
    }

    @Test
    void aGeminiProviderWithoutPresetIsPricedAsGoogleAndAnEmptyKeySwitchesItOff() {
        Provider up = Yaml.parse(providerOfKind("gemini",
                "baseUrl: https://gemini-proxy.example.com\napiKey: ${GEMINI_API_KEY:-}"), Map.of())
                .snapshot().providers().get("up");

        assertEquals(URI.create("https://gemini-proxy.example.com"), up.baseUrl());
        assertNull(up.priceFamily());
        assertEquals("google", PriceTable.familyOf(up));
        assertFalse(up.enabled());
    }

    @Test
    void theAzurePresetStillNeedsTheResourceUrl() {
        Provider up = Yaml.parse(providerOfKind("azure", """
                preset: azure
                baseUrl: https://my-resource.openai.azure.com
                apiVersion: "2024-10-21"
                apiKey: ${KEY}"""), KEY).snapshot().providers().get("up");
        assertEquals("azure", up.priceFamily());

        assertEquals(List.of("providers[0].baseUrl: missing (required)"),
                Yaml.problems(providerOfKind("azure", "preset: azure\napiVersion: \"2024-10-21\"\napiKey: k")));
    }

    @Test
    void aPresetForAnotherKindIsReported() {
        assertEquals(List.of("providers[0].preset: preset groq is for kind openai (this provider is kind anthropic)"),
                Yaml.problems(providerOfKind("anthropic", "preset: groq\nbaseUrl: https://api.anthropic.com\napiKey: k")));
        assertEquals(List.of("providers[0].preset: preset gemini is for kind gemini (this provider is kind openai)"),
                Yaml.problems(Yaml.openAiWith("preset: gemini\nbaseUrl: https://generativelanguage.googleapis.com\napiKey: k")));
        assertEquals(List.of("providers[0].preset: preset anthropic is for kind anthropic (this provider is kind openai)"),
                Yaml.problems(Yaml.openAiWith("preset: anthropic\nbaseUrl: https://api.anthropic.com/v1\napiKey: k")));
    }

    @Test
    void aMockProviderTakesNoPreset() {
        assertEquals(List.of("providers[0].preset: not used by kind mock (remove it)"),
                Yaml.problems(Yaml.MINIMAL.replace("kind: mock", "kind: mock\n    preset: openai")));
    }

    @Test
    void anEmptyPresetIsNoPreset() {
        assertEquals(List.of("providers[0].baseUrl: missing (required)"),
                Yaml.problems(Yaml.openAiWith("preset: ${PRESET:-}")));
    }
}
