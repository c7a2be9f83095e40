package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped price table, its lookup rules, and what a broken table is told. */
class PriceTableTest {
    private static final PriceTable TABLE = PriceTable.shipped();
    private static final LocalDate TODAY = LocalDate.of(2025, 12, 1);

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }

    private static Price price(String family, String model, LocalDate date) {
        return TABLE.priceFor(family, model, date).orElseThrow(() -> new AssertionError(family + "/" + model
                + " has no price on " + date));
    }

    // --- the shipped table ---

    @Test
    void shippedTableIsReadOnce() {
        assertSame(PriceTable.shipped(), PriceTable.shipped());
    }

    @Test
    void shippedTableHasTheWellKnownFamiliesAndModels() {
        assertEquals(java.util.Set.of("openai", "azure", "anthropic", "google", "mistral", "groq", "deepseek",
                        "cohere", "bedrock"),
                TABLE.families());
        Map<String, List<String>> expected = Map.of(
                "openai", List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3",
                        "o4-mini", "text-embedding-3-small", "text-embedding-3-large"),
                "azure", List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1", "text-embedding-3-small"),
                "anthropic", List.of("claude-sonnet-4-5", "claude-sonnet-4", "claude-haiku-4-5", "claude-opus-4-1",
                        "claude-opus-4-5"),
                "google", List.of("gemini-2.0-flash", "gemini-2.5-flash", "gemini-2.5-pro", "gemini-3-pro-preview",
                        "gemini-embedding-001"),
                "mistral", List.of("mistral-large-latest", "mistral-small-latest"),
                "groq", List.of("llama-3.3-70b-versatile", "llama-3.1-8b-instant"),
                "deepseek", List.of("deepseek-chat", "deepseek-reasoner"),
                "cohere", List.of("command-a-03-2025", "command-r-plus-08-2024", "command-r-08-2024", "command-r",
                        "command-r-plus", "embed-v4.0", "embed-english-v3.0"));
        expected.forEach((family, models) -> models.forEach(model -> assertTrue(
                TABLE.priceFor(family, model, TODAY).isPresent(), family + "/" + model + " is priced today")));
    }

    @Test
    void everyShippedEntryIsValid() {
        int entries = 0;
        for (String family : TABLE.families()) {
            for (Map.Entry<String, List<Price>> model : TABLE.models(family).entrySet()) {
                String where = family + "/" + model.getKey();
                List<Price> series = model.getValue();
                assertFalse(series.isEmpty(), where);
                for (int i = 0; i < series.size(); i++) {
                    Price p = series.get(i);
                    entries++;
                    assertNotNull(p.effectiveFrom(), where);
                    assertTrue(p.effectiveFrom().isAfter(LocalDate.of(2020, 1, 1)), where + " " + p);
                    assertTrue(p.effectiveFrom().isBefore(LocalDate.of(2030, 1, 1)), where + " " + p);
                    if (i > 0) {
                        assertTrue(p.effectiveFrom().isAfter(series.get(i - 1).effectiveFrom()), where);
                    }
                    // The record checked range and decimals; these catch a price in the wrong column.
                    assertTrue(p.effectiveCachedInput().compareTo(p.input()) <= 0, where + ": cached above input");
                    assertTrue(p.effectiveCacheWrite().compareTo(p.input()) >= 0, where + ": cache write below input");
                    assertTrue(p.input().compareTo(usd("100")) < 0, where + ": input " + p.input());
                    assertTrue(p.output().compareTo(usd("200")) < 0, where + ": output " + p.output());
                    if (!model.getKey().contains("embed")) {
                        assertTrue(p.output().compareTo(p.input()) >= 0, where + ": output below input");
                    }
                }
            }
        }
        assertTrue(entries >= 50, "entries: " + entries);
    }

    @Test
    void shippedFileSaysWhatItsPricesAreAndThatTheyMustBeChecked() throws IOException {
        String text;
        try (InputStream in = PriceTable.class.getResourceAsStream("prices.yml")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String header = text.substring(0, text.indexOf("\nopenai:"));
        assertTrue(header.contains("List prices in USD per 1M tokens"), header);
        assertTrue(header.contains("MUST be checked against the provider"), header);
    }

    @Test
    void wellKnownListPrices() {
        Price gpt4o = price("openai", "gpt-4o", TODAY);
        assertEquals(Price.of(usd("2.50"), usd("10")), Price.of(gpt4o.input(), gpt4o.output()));
        assertEquals(usd("1.25"), gpt4o.cachedInput());
        assertEquals(usd("0.075"), price("openai", "gpt-4o-mini", TODAY).cachedInput());
        Price sonnet = price("anthropic", "claude-sonnet-4-5", TODAY);
        assertEquals(new Price(usd("3"), usd("0.3"), usd("3.75"), usd("15"), null, LocalDate.of(2025, 9, 29)), sonnet);
    }

    // --- dates ---

    @Test
    void thePriceInForceIsTheLatestOnOrBeforeTheDate() {
        LocalDate cut = LocalDate.of(2025, 6, 10);

        assertEquals(usd("10"), price("openai", "o3", cut.minusDays(1)).input());
        assertEquals(usd("40"), price("openai", "o3", cut.minusDays(1)).output());
        assertEquals(usd("2"), price("openai", "o3", cut).input(), "a price applies from its first day");
        assertEquals(usd("8"), price("openai", "o3", cut).output());
        assertEquals(usd("2"), price("openai", "o3", TODAY).input());
    }

    @Test
    void aModelWithSeveralPriceChangesGetsTheRightOneForEachDate() {
        assertEquals(usd("0.14"), price("deepseek", "deepseek-chat", LocalDate.of(2025, 2, 8)).input());
        assertEquals(usd("0.27"), price("deepseek", "deepseek-chat", LocalDate.of(2025, 2, 9)).input());
        assertEquals(usd("0.56"), price("deepseek", "deepseek-chat", LocalDate.of(2025, 9, 28)).input());
        assertEquals(usd("0.28"), price("deepseek", "deepseek-chat", LocalDate.of(2025, 9, 29)).input());
    }

    @Test
    void beforeAModelsFirstPriceThereIsNone() {
        assertEquals(Optional.empty(), TABLE.priceFor("openai", "o3", LocalDate.of(2025, 4, 15)));
        assertTrue(TABLE.priceFor("openai", "o3", LocalDate.of(2025, 4, 16)).isPresent());
    }

    // --- model ids ---

    @Test
    void aDatedModelIdFallsBackToTheIdWithoutItsDate() {
        PriceTable.Match m = TABLE.find("openai", "gpt-4o-2024-11-20", TODAY).orElseThrow();
        assertEquals("gpt-4o", m.model());
        assertEquals("table:openai/gpt-4o@2024-10-02", m.source());

        PriceTable.Match claude = TABLE.find("anthropic", "claude-sonnet-4-5-20250929", TODAY).orElseThrow();
        assertEquals("claude-sonnet-4-5", claude.model());
        assertEquals("table:anthropic/claude-sonnet-4-5@2025-09-29", claude.source());
    }

    @Test
    void anExactEntryForADatedIdWinsOverTheUndatedOne() {
        // gpt-4o-2024-05-13 kept its launch price after the gpt-4o alias moved on.
        Price pinned = price("openai", "gpt-4o-2024-05-13", TODAY);
        assertEquals(usd("5"), pinned.input());
        assertEquals(usd("15"), pinned.output());
        assertEquals("gpt-4o-2024-05-13", TABLE.find("openai", "gpt-4o-2024-05-13", TODAY).orElseThrow().model());
    }

    @ParameterizedTest
    @CsvSource({
            "gpt-4o-2024-08-06, gpt-4o",
            "claude-opus-4-1-20250805, claude-opus-4-1",
            "o3-mini-2025-01-31, o3-mini",
            "model-v2-20240229, model-v2",
    })
    void undatedStripsATrailingDate(String model, String expected) {
        assertEquals(expected, PriceTable.undated(model));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpt-4o", "gpt-4o-mini", "mistral-large-2411", "gpt-4o-2024-13-01", "x-20241301",
            "x-2024-02-30", "2024-08-06", "gemini-2.0-flash-001", "m-2024-8-6"})
    void undatedLeavesIdsWithoutARealTrailingDateAlone(String model) {
        assertNull(PriceTable.undated(model));
    }

    @Test
    void aSuffixThatIsNotADateFindsNothing() {
        assertEquals(Optional.empty(), TABLE.priceFor("openai", "gpt-4o-audio-preview", TODAY));
        assertEquals(Optional.empty(), TABLE.priceFor("openai", "GPT-4O", TODAY), "model ids are exact");
    }

    @Test
    void unknownFamilyOrModelHasNoPriceAndFamilyIgnoresCase() {
        assertEquals(Optional.empty(), TABLE.priceFor("openai", "llama3.1:8b", TODAY));
        assertEquals(Optional.empty(), TABLE.priceFor("mock", "mock-1", TODAY));
        assertEquals(Optional.empty(), TABLE.priceFor("groq", "gpt-4o", TODAY), "prices are per family");
        assertEquals(TABLE.priceFor("openai", "gpt-4o", TODAY), TABLE.priceFor("OpenAI", "gpt-4o", TODAY));
    }

    // --- tables of one's own, and broken ones ---

    @Test
    void aTableParsesFromYaml() {
        PriceTable t = PriceTable.parse("""
                acme:
                  m1:
                    - {effectiveFrom: 2025-01-01, input: 1, output: 2}
                    - effectiveFrom: "2025-03-01"
                      input: "0.5"
                      cachedInput: 0.25
                      cacheWrite: 0.625
                      output: 1
                      reasoning: 3
                """);

        assertEquals(Price.of(usd("1"), usd("2")).from(LocalDate.of(2025, 1, 1)),
                t.priceFor("acme", "m1", LocalDate.of(2025, 2, 28)).orElseThrow());
        assertEquals(new Price(usd("0.5"), usd("0.25"), usd("0.625"), usd("1"), usd("3"), LocalDate.of(2025, 3, 1)),
                t.priceFor("acme", "m1", LocalDate.of(2025, 3, 1)).orElseThrow());
    }

    @Test
    void aBrokenTableIsRefusedWithEveryProblemAndItsPath() {
        ConfigException e = assertThrows(ConfigException.class, () -> PriceTable.parse("""
                acme:
                  m1:
                    - {effectiveFrom: 2025-03-01, input: 1, output: 2}
                    - {effectiveFrom: 2025-01-01, input: 1, output: 2}
                  m2:
                    - {input: -1, output: ten, colour: red}
                  m3: []
                  m4:
                    - {effectiveFrom: 2025-02-30, input: 1}
                Bad Family:
                  m1:
                    - {effectiveFrom: 2025-01-01, input: 1, output: 2}
                empty: {}
                """));

        assertEquals(List.of(
                "price table: acme.m1[1].effectiveFrom: 2025-01-01 is not after 2025-03-01 (expected: prices in date"
                        + " order, one per date)",
                "price table: acme.m2[0].colour: unknown field (expected one of: effectiveFrom, input, cachedInput,"
                        + " cacheWrite, output, reasoning)",
                "price table: acme.m2[0].effectiveFrom: missing (required)",
                "price table: acme.m2[0].input: -1 (expected: >= 0, USD per 1M tokens)",
                "price table: acme.m2[0].output: \"ten\" (expected: a number)",
                "price table: acme.m3: empty (expected: a list of dated prices)",
                "price table: acme.m4[0].effectiveFrom: \"2025-02-30\" (expected: a date like 2025-04-14)",
                "price table: acme.m4[0].output: missing (required, USD per 1M tokens)",
                "price table: Bad Family: not a family name (expected: lower-case letters, digits, - and _, at most"
                        + " 64)",
                "price table: empty: empty (expected: a mapping of model id to prices)"),
                e.problems());
    }

    @Test
    void aRepeatedModelIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> PriceTable.parse("""
                acme:
                  m1:
                    - {effectiveFrom: 2025-01-01, input: 1, output: 2}
                  m1:
                    - {effectiveFrom: 2025-02-01, input: 1, output: 2}
                """));
        assertTrue(e.getMessage().contains("Duplicate field 'm1'"), e::getMessage);
    }
}
