package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The price, token usage and cost records' own checks and defaults. */
class PriceTest {
    private static final BigDecimal ONE = BigDecimal.ONE;

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }

    private static String rejected(Runnable construct) {
        return assertThrows(IllegalArgumentException.class, construct::run).getMessage();
    }

    @Test
    void leftOutPricesFallBackToInputAndOutput() {
        Price p = Price.of(usd("2.5"), usd("10"));

        assertEquals(usd("2.5"), p.effectiveCachedInput());
        assertEquals(usd("2.5"), p.effectiveCacheWrite());
        assertEquals(usd("10"), p.effectiveReasoning());
        assertNull(p.cachedInput());
        assertNull(p.effectiveFrom());
    }

    @Test
    void pricesThatAreSetAreUsed() {
        Price p = new Price(usd("3"), usd("0.3"), usd("3.75"), usd("15"), usd("20"), LocalDate.of(2025, 9, 29));

        assertEquals(usd("0.3"), p.effectiveCachedInput());
        assertEquals(usd("3.75"), p.effectiveCacheWrite());
        assertEquals(usd("20"), p.effectiveReasoning());
    }

    @Test
    void trailingZerosDoNotMakeADifferentPrice() {
        assertEquals(Price.of(usd("2.5"), usd("10")), Price.of(usd("2.50"), usd("1E+1")));
        assertEquals("10", Price.of(ONE, usd("10.000")).output().toPlainString());
    }

    @Test
    void everyPriceIsCheckedAndTheMessageSaysTheValueAndTheExpectation() {
        assertEquals("input: -1 (expected: >= 0, USD per 1M tokens)", rejected(() -> Price.of(usd("-1"), ONE)));
        assertEquals("cachedInput: -0.01 (expected: >= 0, USD per 1M tokens)",
                rejected(() -> new Price(ONE, usd("-0.01"), null, ONE, null, null)));
        assertEquals("cacheWrite: -2 (expected: >= 0, USD per 1M tokens)",
                rejected(() -> new Price(ONE, null, usd("-2"), ONE, null, null)));
        assertEquals("output: 1000001 (expected: at most 1000000 USD per 1M tokens)",
                rejected(() -> Price.of(ONE, usd("1000001"))));
        assertEquals("reasoning: 0.00000000001 (expected: at most 10 decimal places)",
                rejected(() -> new Price(ONE, null, null, ONE, usd("0.00000000001"), null)));
        assertThrows(NullPointerException.class, () -> Price.of(null, ONE));
        assertThrows(NullPointerException.class, () -> Price.of(ONE, null));
    }

    @Test
    void zeroIsAPrice() {
        assertEquals(BigDecimal.ZERO, Price.of(BigDecimal.ZERO, usd("0.000")).output());
    }

    @Test
    void tokenUsageIsNeverNegative() {
        assertEquals("promptTokens: -1 (expected: >= 0)", rejected(() -> TokenUsage.of(-1, 0)));
        assertEquals("reasoningTokens: -5 (expected: >= 0)", rejected(() -> new TokenUsage(1, 1, 0, 0, -5)));
        assertEquals(new TokenUsage(3, 4, 0, 0, 0), TokenUsage.of(3, 4));
    }

    @Test
    void aCostHasAnAmountExactlyWhenPriced() {
        assertNull(Cost.UNPRICED.usd());
        assertEquals("unpriced", Cost.UNPRICED.source());
        rejected(() -> new Cost(BigDecimal.ZERO, false, "unpriced"));
        rejected(() -> new Cost(null, true, "deployment override"));
        rejected(() -> new Cost(usd("-1"), true, "deployment override"));
    }
}
