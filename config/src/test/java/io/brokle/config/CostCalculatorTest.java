package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which price a request gets, and the arithmetic, checked by hand. */
class CostCalculatorTest {
    private static final CostCalculator CALC = CostCalculator.shipped();
    private static final LocalDate TODAY = LocalDate.of(2025, 12, 1);

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }

    private static Provider openAi(String name, String baseUrl) {
        return new Provider(name, ProviderKind.OPENAI, URI.create(baseUrl), "k", null, true,
                UpstreamTimeouts.DEFAULTS, null);
    }

    private static final Provider OPENAI = openAi("openai", "https://api.openai.com/v1");

    // --- the arithmetic ---

    @Test
    void overridePriceWithCachedCacheWriteAndReasoningTokensByHand() {
        Price price = new Price(usd("2.50"), usd("1.25"), usd("3.75"), usd("10"), usd("12"), null);
        Deployment d = new Deployment("d", "openai", "gpt-4o", 1, price);
        TokenUsage usage = new TokenUsage(10_000, 2_000, 4_000, 1_000, 500);

        Cost cost = CALC.cost(d, OPENAI, usage, TODAY);

        // uncached 10000-4000-1000 = 5000 x 2.50 = 12500
        // cached              4000 x 1.25 =  5000
        // cache write         1000 x 3.75 =  3750
        // output    2000-500 = 1500 x 10   = 15000
        // reasoning            500 x 12   =  6000
        // sum 42250 per 1M tokens = $0.04225
        assertEquals(usd("0.0422500000"), cost.usd());
        assertEquals(10, cost.usd().scale());
        assertTrue(cost.priced());
        assertEquals("deployment override", cost.source());
    }

    @Test
    void tablePriceWithCachedAndReasoningTokensByHand() {
        Deployment d = new Deployment("mini", "openai", "o4-mini", 1);
        TokenUsage usage = new TokenUsage(1_234, 789, 1_024, 0, 512);

        Cost cost = CALC.cost(d, OPENAI, usage, TODAY);

        // o4-mini: input 1.10, cached 0.275, output 4.40, reasoning = output
        // uncached 1234-1024 = 210 x 1.10  =  231.0
        // cached             1024 x 0.275 =  281.6
        // output   789-512 =  277 x 4.40  = 1218.8
        // reasoning           512 x 4.40  = 2252.8
        // sum 3984.2 per 1M tokens = $0.0039842
        assertEquals(usd("0.0039842000"), cost.usd());
        assertEquals("table:openai/o4-mini@2025-04-16", cost.source());
    }

    @Test
    void anthropicCacheWritesCostMoreThanInput() {
        Provider anthropic = openAi("anthropic", "https://api.anthropic.com/v1");
        Deployment d = new Deployment("sonnet", "anthropic", "claude-sonnet-4-5-20250929", 1);
        TokenUsage usage = new TokenUsage(3_000, 100, 1_000, 2_000, 0);

        Cost cost = CALC.cost(d, anthropic, usage, TODAY);

        // uncached 0; cached 1000 x 0.30 = 300; write 2000 x 3.75 = 7500; output 100 x 15 = 1500 -> 9300
        assertEquals(usd("0.0093000000"), cost.usd());
        assertEquals("table:anthropic/claude-sonnet-4-5@2025-09-29", cost.source());
    }

    @Test
    void aCohereDeploymentIsPricedFromTheCohereFamily() {
        Provider cohere = new Provider("co", ProviderKind.COHERE, URI.create("https://api.cohere.com"), "k", null,
                true, UpstreamTimeouts.DEFAULTS, null);
        Deployment d = new Deployment("command", "co", "command-r-08-2024", 1);

        Cost cost = CALC.cost(d, cohere, new TokenUsage(10_000, 2_000, 0, 0, 0), TODAY);

        // input 10000 x 0.15 = 1500; output 2000 x 0.60 = 1200 -> 2700 per 1M tokens
        assertEquals(usd("0.0027000000"), cost.usd());
        assertEquals("table:cohere/command-r-08-2024@2024-08-30", cost.source());
    }

    @Test
    void leftOutPricesFallBackToInputAndOutput() {
        Deployment d = new Deployment("d", "openai", "x", 1, Price.of(usd("2"), usd("8")));
        // all 100 prompt tokens at 2 (30 cached, 20 written); all 50 completion tokens at 8 (10 reasoning)
        Cost cost = CALC.cost(d, OPENAI, new TokenUsage(100, 50, 30, 20, 10), TODAY);

        assertEquals(usd("0.0006000000"), cost.usd());
    }

    @Test
    void partsAreNeverNegativeWhenTheUpstreamOvercounts() {
        Deployment d = new Deployment("d", "openai", "x", 1,
                new Price(usd("1"), usd("0.5"), null, usd("4"), null, null));
        // cached (300) exceeds prompt (200): no uncached input; reasoning (90) exceeds completion (50): no output
        Cost cost = CALC.cost(d, OPENAI, new TokenUsage(200, 50, 300, 0, 90), TODAY);

        // 300 x 0.5 + 90 x 4 = 150 + 360 = 510
        assertEquals(usd("0.0005100000"), cost.usd());
    }

    @Test
    void theOnlyRoundingIsOfTheAmountToTenPlacesHalfEven() {
        Price tiny = Price.of(usd("0.00005"), BigDecimal.ZERO);
        Deployment d = new Deployment("d", "openai", "x", 1, tiny);

        // 3 x 0.00005 / 1e6 = 1.5e-10 -> 2e-10; 5 x 0.00005 / 1e6 = 2.5e-10 -> 2e-10 (half to even)
        assertEquals(usd("0.0000000002"), CALC.cost(d, OPENAI, TokenUsage.of(3, 0), TODAY).usd());
        assertEquals(usd("0.0000000002"), CALC.cost(d, OPENAI, TokenUsage.of(5, 0), TODAY).usd());
        assertEquals(usd("0.0000000004"), CALC.cost(d, OPENAI, TokenUsage.of(7, 0), TODAY).usd());
    }

    @Test
    void hugeCountsStayExact() {
        Deployment d = new Deployment("d", "openai", "x", 1, Price.of(usd("1000000"), usd("1000000")));
        Cost cost = CALC.cost(d, OPENAI, TokenUsage.of(Long.MAX_VALUE, Long.MAX_VALUE), TODAY);

        assertEquals(new BigDecimal(Long.MAX_VALUE).multiply(BigDecimal.TWO).setScale(10), cost.usd());
    }

    @Test
    void noTokensCostNothingButArePriced() {
        Cost cost = CALC.cost(new Deployment("d", "openai", "gpt-4o", 1), OPENAI, TokenUsage.of(0, 0), TODAY);

        assertTrue(cost.priced());
        assertEquals(0, cost.usd().signum());
    }

    // --- which price ---

    @Test
    void aDeploymentsOwnPriceBeatsTheTable() {
        Deployment fromTable = new Deployment("d", "openai", "gpt-4o", 1);
        Deployment overridden = new Deployment("d", "openai", "gpt-4o", 1, Price.of(usd("1"), usd("1")));
        TokenUsage usage = TokenUsage.of(1_000_000, 1_000_000);

        assertEquals(usd("12.5000000000"), CALC.cost(fromTable, OPENAI, usage, TODAY).usd());
        Cost cost = CALC.cost(overridden, OPENAI, usage, TODAY);
        assertEquals(usd("2.0000000000"), cost.usd());
        assertEquals("deployment override", cost.source());
    }

    @Test
    void aDeploymentsOwnPriceOfZeroIsPricedAtZero() {
        Deployment free = new Deployment("d", "openai", "my-model", 1, Price.of(BigDecimal.ZERO, BigDecimal.ZERO));
        Cost cost = CALC.cost(free, OPENAI, TokenUsage.of(100, 100), TODAY);

        assertTrue(cost.priced());
        assertEquals(0, cost.usd().signum());
    }

    @Test
    void theTablePriceDependsOnTheRequestsDate() {
        Deployment d = new Deployment("d", "openai", "o3", 1);
        TokenUsage usage = TokenUsage.of(1_000_000, 0);

        Cost before = CALC.cost(d, OPENAI, usage, LocalDate.of(2025, 6, 9));
        Cost after = CALC.cost(d, OPENAI, usage, LocalDate.of(2025, 6, 10));

        assertEquals(usd("10.0000000000"), before.usd());
        assertEquals("table:openai/o3@2025-04-16", before.source());
        assertEquals(usd("2.0000000000"), after.usd());
        assertEquals("table:openai/o3@2025-06-10", after.source());
    }

    @Test
    void aModelWithoutAPriceIsUnpricedNeverZero() {
        Provider ollama = openAi("ollama", "http://localhost:11434/v1");
        Cost cost = CALC.cost(new Deployment("d", "ollama", "llama3.1:8b", 1), ollama, TokenUsage.of(10, 10), TODAY);

        assertFalse(cost.priced());
        assertNull(cost.usd());
        assertEquals("unpriced", cost.source());
        assertEquals(Cost.UNPRICED, cost);
    }

    @Test
    void aRequestBeforeTheModelsFirstPriceIsUnpriced() {
        Cost cost = CALC.cost(new Deployment("d", "openai", "o3", 1), OPENAI, TokenUsage.of(10, 10),
                LocalDate.of(2025, 1, 1));

        assertEquals(Cost.UNPRICED, cost);
    }

    @Test
    void theMockProviderIsUnpricedUnlessItNamesAFamily() {
        Provider mock = new Provider("local", ProviderKind.MOCK, null, null, null, true, UpstreamTimeouts.DEFAULTS,
                MockOptions.DEFAULTS);
        Provider mockAsOpenAi = new Provider("local", ProviderKind.MOCK, null, null, null, true,
                UpstreamTimeouts.DEFAULTS, MockOptions.DEFAULTS, "openai");
        Deployment d = new Deployment("d", "local", "gpt-4o-mini", 1);

        assertEquals(Cost.UNPRICED, CALC.cost(d, mock, TokenUsage.of(1_000_000, 0), TODAY));
        assertEquals(usd("0.1500000000"), CALC.cost(d, mockAsOpenAi, TokenUsage.of(1_000_000, 0), TODAY).usd());
    }

    @Test
    void theProviderMustBeTheDeployments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CALC.cost(new Deployment("d", "azure", "gpt-4o", 1), OPENAI, TokenUsage.of(1, 1), TODAY));
        assertEquals("provider: \"openai\" (expected: \"azure\", the provider of deployment \"d\")", e.getMessage());
    }

    @Test
    void aCalculatorOverItsOwnTable() {
        PriceTable table = PriceTable.parse("""
                acme:
                  m1:
                    - {effectiveFrom: 2025-01-01, input: 1, output: 2}
                """);
        Provider acme = new Provider("a", ProviderKind.OPENAI, URI.create("https://llm.acme.example/v1"), null, null,
                true, UpstreamTimeouts.DEFAULTS, null, "acme");

        Cost cost = new CostCalculator(table).cost(new Deployment("d", "a", "m1", 1), acme,
                TokenUsage.of(1_000_000, 1_000_000), TODAY);

        assertEquals(usd("3.0000000000"), cost.usd());
        assertEquals("table:acme/m1@2025-01-01", cost.source());
    }

    // --- families ---

    @ParameterizedTest
    @CsvSource({
            "https://api.openai.com/v1, openai",
            "https://api.anthropic.com/v1, anthropic",
            "https://api.cohere.com/compatibility/v1, cohere",
            "https://API.Groq.com/openai/v1, groq",
            "https://api.mistral.ai/v1, mistral",
            "https://api.deepseek.com, deepseek",
            "https://generativelanguage.googleapis.com/v1beta/openai, google",
            "http://localhost:11434/v1, openai",
            "https://openrouter.ai/api/v1, openai",
    })
    void anOpenAiProvidersFamilyComesFromItsHost(String baseUrl, String family) {
        assertEquals(family, PriceTable.familyOf(openAi("p", baseUrl)));
    }

    @Test
    void azureAndMockHaveTheirOwnFamiliesAndAnExplicitFamilyWins() {
        Provider azure = new Provider("az", ProviderKind.AZURE, URI.create("https://r.openai.azure.com"), "k",
                "2024-10-21", true, UpstreamTimeouts.DEFAULTS, null);
        Provider mock = new Provider("m", ProviderKind.MOCK, null, null, null, true, UpstreamTimeouts.DEFAULTS,
                MockOptions.DEFAULTS);
        Provider proxied = new Provider("p", ProviderKind.OPENAI, URI.create("https://llm-proxy.internal/v1"), "k",
                null, true, UpstreamTimeouts.DEFAULTS, null, "anthropic");

        assertEquals("azure", PriceTable.familyOf(azure));
        assertEquals("mock", PriceTable.familyOf(mock));
        assertEquals("anthropic", PriceTable.familyOf(proxied));
    }

    @Test
    void anExplicitFamilyMustLookLikeOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Provider("p",
                ProviderKind.OPENAI, URI.create("https://x"), null, null, true, UpstreamTimeouts.DEFAULTS, null,
                "Open AI"));
        assertEquals("priceFamily: \"Open AI\" (expected: lower-case letters, digits, - and _, at most 64)",
                e.getMessage());
    }
}
