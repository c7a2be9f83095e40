package io.brokle.config;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What one request cost, or that it could not be priced. An unpriced request has no amount:
 * it is never reported as $0, which would read as "free".
 *
 * @param usd    US dollars with {@link CostCalculator#SCALE} decimal places; {@code null} when unpriced
 * @param priced whether a price was found; {@code usd != null} exactly when true
 * @param source where the price came from: {@value #DEPLOYMENT_OVERRIDE},
 *               {@code table:<family>/<model>@<effectiveFrom>} (e.g. {@code table:openai/gpt-4o@2024-10-02}),
 *               or {@value #UNPRICED_SOURCE}
 */
public record Cost(BigDecimal usd, boolean priced, String source) {
    public static final String DEPLOYMENT_OVERRIDE = "deployment override";
    public static final String UNPRICED_SOURCE = "unpriced";
    /** The cost of a request whose model has no price. */
    public static final Cost UNPRICED = new Cost(null, false, UNPRICED_SOURCE);

    public Cost {
        Objects.requireNonNull(source, "source");
        if (priced != (usd != null)) {
            throw new IllegalArgumentException("usd: " + usd + " (expected: " + (priced ? "an amount" : "null")
                    + " when priced is " + priced + ")");
        }
        if (usd != null && usd.signum() < 0) {
            throw new IllegalArgumentException("usd: " + usd.toPlainString() + " (expected: >= 0)");
        }
    }
}
