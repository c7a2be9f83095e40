package io.brokle.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * The cost of one request from the tokens the upstream reported. Pure: no clock, no I/O.
 *
 * <p><b>Which price.</b> The deployment's own {@link Deployment#price()} when set (source
 * {@value Cost#DEPLOYMENT_OVERRIDE}); otherwise the {@link PriceTable}'s price for the provider's
 * family ({@link PriceTable#familyOf(Provider)}) and the deployment's model on the request's
 * date (source {@code table:<family>/<model>@<effectiveFrom>}); otherwise none, and the cost is
 * {@link Cost#UNPRICED}: no amount, never $0.
 *
 * <p><b>Arithmetic.</b> With prices in USD per 1M tokens:
 * <pre>
 *   uncached input = prompt - cached - cacheWrite   (not below 0)   at input
 *   cached                                                          at cachedInput (default input)
 *   cacheWrite                                                      at cacheWrite  (default input)
 *   output         = completion - reasoning         (not below 0)   at output
 *   reasoning                                                       at reasoning   (default output)
 *   usd = sum(tokens x price) / 1,000,000
 * </pre>
 * Products and sum are exact {@link BigDecimal}s; the one rounding is of the final amount, to
 * {@link #SCALE} decimal places, half-even.
 */
public final class CostCalculator {
    /** Decimal places of a cost in USD: a ten-billionth of a dollar, below any single token's price. */
    public static final int SCALE = 10;
    public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;
    private static final int TOKENS_PER_PRICE_UNIT_DIGITS = 6; // prices are per 1,000,000 tokens

    private final PriceTable table;

    public CostCalculator(PriceTable table) {
        this.table = Objects.requireNonNull(table, "table");
    }

    /** A calculator over the {@linkplain PriceTable#shipped() shipped} price table. */
    public static CostCalculator shipped() {
        return new CostCalculator(PriceTable.shipped());
    }

    /**
     * @param deployment the deployment that answered
     * @param provider   its provider ({@code deployment.provider()} names it)
     * @param usage      the tokens the upstream reported
     * @param date       the request's date (UTC), which selects the table price in force
     */
    public Cost cost(Deployment deployment, Provider provider, TokenUsage usage, LocalDate date) {
        Objects.requireNonNull(deployment, "deployment");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(date, "date");
        if (!deployment.provider().equals(provider.name())) {
            throw new IllegalArgumentException("provider: \"" + provider.name() + "\" (expected: \""
                    + deployment.provider() + "\", the provider of deployment \"" + deployment.name() + "\")");
        }
        if (deployment.price() != null) {
            return new Cost(usd(deployment.price(), usage), true, Cost.DEPLOYMENT_OVERRIDE);
        }
        Optional<PriceTable.Match> match = table.find(PriceTable.familyOf(provider), deployment.model(), date);
        return match.map(m -> new Cost(usd(m.price(), usage), true, m.source())).orElse(Cost.UNPRICED);
    }

    /** The cost of {@code usage} at {@code price}, by the rule in the class comment. */
    public static BigDecimal usd(Price price, TokenUsage usage) {
        // Subtract at most what is left, so the parts never go below 0 (nor overflow).
        long uncached = usage.promptTokens();
        uncached -= Math.min(uncached, usage.cachedTokens());
        uncached -= Math.min(uncached, usage.cacheWriteTokens());
        long output = usage.completionTokens() - Math.min(usage.completionTokens(), usage.reasoningTokens());
        BigDecimal perMillion = times(uncached, price.input())
                .add(times(usage.cachedTokens(), price.effectiveCachedInput()))
                .add(times(usage.cacheWriteTokens(), price.effectiveCacheWrite()))
                .add(times(output, price.output()))
                .add(times(usage.reasoningTokens(), price.effectiveReasoning()));
        return perMillion.movePointLeft(TOKENS_PER_PRICE_UNIT_DIGITS).setScale(SCALE, ROUNDING);
    }

    private static BigDecimal times(long tokens, BigDecimal usdPerMillion) {
        return BigDecimal.valueOf(tokens).multiply(usdPerMillion);
    }
}
