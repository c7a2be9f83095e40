package io.brokle.config;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What one model costs, in US dollars per 1,000,000 tokens, from a date on.
 *
 * <p>Three prices may be left out ({@code null}) and then fall back to another:
 * {@code cachedInput} and {@code cacheWrite} to {@code input}, {@code reasoning} to
 * {@code output}. So a provider that gives no discount for cache hits, charges nothing extra for
 * writing the cache, or bills reasoning tokens as ordinary output (OpenAI, Google) needs only
 * {@code input} and {@code output}. The {@code effective...} methods apply this rule.
 *
 * <p>Every price is at least 0, at most {@link #MAX_USD_PER_MILLION}, with at most
 * {@link #MAX_DECIMAL_PLACES} decimal places. Prices are kept without trailing zeros, so
 * {@code 2.50} and {@code 2.5} make equal records.
 *
 * @param input         uncached prompt tokens
 * @param cachedInput   prompt tokens read from the provider's prompt cache; {@code null}: {@code input}
 * @param cacheWrite    prompt tokens written to the prompt cache (Anthropic bills these above
 *                      {@code input}); {@code null}: {@code input}
 * @param output        completion tokens that are not reasoning tokens
 * @param reasoning     reasoning ("thinking") tokens, part of the completion; {@code null}: {@code output}
 * @param effectiveFrom the first day (UTC) this price applies; {@code null} for a deployment's own
 *                      price, which applies on every day. A price table needs it.
 */
public record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output,
                    BigDecimal reasoning, LocalDate effectiveFrom) {
    /** The highest accepted price: far above any model's list price, low enough to catch a slipped unit. */
    public static final BigDecimal MAX_USD_PER_MILLION = BigDecimal.valueOf(1_000_000);
    /** Finer prices are not written by any provider; the limit keeps cost arithmetic small. */
    public static final int MAX_DECIMAL_PLACES = 10;

    public Price {
        input = checked("input", Objects.requireNonNull(input, "input"));
        cachedInput = checked("cachedInput", cachedInput);
        cacheWrite = checked("cacheWrite", cacheWrite);
        output = checked("output", Objects.requireNonNull(output, "output"));
        reasoning = checked("reasoning", reasoning);
    }

    /** A price with only input and output, on every day. */
    public static Price of(BigDecimal input, BigDecimal output) {
        return new Price(input, null, null, output, null, null);
    }

    /** The price of a cached prompt token: {@code cachedInput}, or {@code input} when not set. */
    public BigDecimal effectiveCachedInput() {
        return cachedInput != null ? cachedInput : input;
    }

    /** The price of a prompt token written to the cache: {@code cacheWrite}, or {@code input} when not set. */
    public BigDecimal effectiveCacheWrite() {
        return cacheWrite != null ? cacheWrite : input;
    }

    /** The price of a reasoning token: {@code reasoning}, or {@code output} when not set. */
    public BigDecimal effectiveReasoning() {
        return reasoning != null ? reasoning : output;
    }

    /** This price starting on {@code date}. */
    public Price from(LocalDate date) {
        return new Price(input, cachedInput, cacheWrite, output, reasoning, date);
    }

    /**
     * What is wrong with {@code usdPerMillion} as a price, as {@code "(expected: ...)"}, or
     * {@code null} when it is acceptable. Shared by the constructor and the YAML readers so both
     * say the same.
     */
    static String problem(BigDecimal usdPerMillion) {
        if (usdPerMillion.signum() < 0) {
            return "(expected: >= 0, USD per 1M tokens)";
        }
        if (usdPerMillion.compareTo(MAX_USD_PER_MILLION) > 0) {
            return "(expected: at most " + MAX_USD_PER_MILLION + " USD per 1M tokens)";
        }
        if (usdPerMillion.stripTrailingZeros().scale() > MAX_DECIMAL_PLACES) {
            return "(expected: at most " + MAX_DECIMAL_PLACES + " decimal places)";
        }
        return null;
    }

    /** {@code value} as a message shows it: plain, without trailing zeros ({@code 0.000000000001}, {@code 2000000}). */
    static String shown(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }

    private static BigDecimal checked(String field, BigDecimal value) {
        if (value == null) {
            return null;
        }
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException(field + ": " + shown(value) + " " + problem);
        }
        BigDecimal plain = value.stripTrailingZeros();
        return plain.scale() < 0 ? plain.setScale(0) : plain;
    }
}
