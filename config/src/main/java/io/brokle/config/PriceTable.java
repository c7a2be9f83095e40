package io.brokle.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * List prices per provider family and model, each a series of dated {@link Price}s. The shipped
 * table is the resource {@code io/brokle/config/prices.yml} ({@link #shipped()}); a deployment's
 * own {@code price} in the gateway file takes precedence over it (see {@link CostCalculator}).
 *
 * <p><b>Lookup</b> ({@link #find}): the family is compared ignoring case. The model is looked up
 * exactly; when absent and it ends in a date, {@code -YYYY-MM-DD} or {@code -YYYYMMDD} (a real
 * calendar date), it is looked up again without that suffix, so {@code gpt-4o-2024-08-06} finds
 * {@code gpt-4o} and {@code claude-sonnet-4-5-20250929} finds {@code claude-sonnet-4-5}; an exact
 * entry for a dated id wins over the undated one. Of the model's prices, the one in force on a
 * date is the one with the latest {@code effectiveFrom} on or before it; before the first there is
 * none (the request is unpriced).
 *
 * <p><b>File format</b>: a mapping of family to a mapping of model id to a list of prices in date
 * order, each with {@code effectiveFrom}, {@code input}, {@code output} and optionally
 * {@code cachedInput}, {@code cacheWrite}, {@code reasoning}, in USD per 1M tokens.
 */
public final class PriceTable {
    /** The shipped table, relative to this class. */
    static final String RESOURCE = "prices.yml";
    static final String FAMILY_NAME_RULE = "lower-case letters, digits, - and _, at most 64";
    private static final Pattern FAMILY_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final List<String> PRICE_FIELDS = List.of("input", "cachedInput", "cacheWrite", "output",
            "reasoning");
    private static final Pattern DATED_MODEL = Pattern.compile("(.+)-(\\d{4}-\\d{2}-\\d{2}|\\d{8})");
    private static final DateTimeFormatter COMPACT_DATE = DateTimeFormatter.ofPattern("uuuuMMdd")
            .withResolverStyle(ResolverStyle.STRICT);

    /**
     * Hosts of vendors with an OpenAI-compatible API, and the family their models are priced
     * from when the provider is of kind {@code openai} and sets no {@code priceFamily}.
     */
    static final Map<String, String> VENDOR_HOSTS = Map.of(
            "api.openai.com", "openai",
            "api.anthropic.com", "anthropic",
            "api.cohere.com", "cohere",
            "api.groq.com", "groq",
            "api.mistral.ai", "mistral",
            "api.deepseek.com", "deepseek",
            "generativelanguage.googleapis.com", "google");

    private final Map<String, Map<String, List<Price>>> prices;

    private PriceTable(Map<String, Map<String, List<Price>>> prices) {
        this.prices = prices;
    }

    /** A price found in the table: under which family and model key, and the price in force. */
    public record Match(String family, String model, Price price) {
        public Match {
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(price, "price");
        }

        /** {@code table:<family>/<model>@<effectiveFrom>}, e.g. {@code table:openai/gpt-4o@2024-10-02}. */
        public String source() {
            return "table:" + family + "/" + model + "@" + price.effectiveFrom();
        }
    }

    /** The table shipped in this module, read once on first use. */
    public static PriceTable shipped() {
        return Shipped.TABLE;
    }

    /** Holds the shipped table so it is read on first use, not when {@link PriceTable} is loaded. */
    private static final class Shipped {
        static final PriceTable TABLE = load();

        private static PriceTable load() {
            try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the price table " + RESOURCE + " is missing from the classpath");
                }
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the price table " + RESOURCE, e);
            }
        }
    }

    /**
     * @param yaml a price table in the format of {@code prices.yml}
     * @throws ConfigException listing every problem, with paths such as {@code openai.gpt-4o[1].input}
     */
    public static PriceTable parse(String yaml) {
        JsonNode root;
        try {
            root = SnapshotCodec.YAML.readTree(yaml);
        } catch (JacksonException e) {
            var loc = e.getLocation();
            throw new ConfigException("price table: not valid YAML" + (loc == null ? "" : " at line "
                    + loc.getLineNr() + ", column " + loc.getColumnNr()) + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("price table: not a mapping (expected: family: {model: [prices]})");
        }
        List<String> problems = new ArrayList<>();
        // A price table has no environment: a ${...} in it is reported as an unset variable.
        ConfigNode top = new ConfigNode(root, "", name -> null, problems, Set.of());
        Map<String, Map<String, List<Price>>> families = new LinkedHashMap<>();
        for (String family : top.fieldNames()) {
            if (!isFamilyName(family)) {
                top.problem(family + ": not a family name (expected: " + FAMILY_NAME_RULE + ")");
                continue;
            }
            int problemsBefore = top.problemCount();
            ConfigNode models = top.object(family);
            if (models == null || models.fieldNames().isEmpty()) {
                if (top.problemCount() == problemsBefore) {
                    top.problem(family + ": empty (expected: a mapping of model id to prices)");
                }
                continue;
            }
            Map<String, List<Price>> byModel = new LinkedHashMap<>();
            for (String model : models.fieldNames()) {
                String modelPath = models.childPath(model);
                if (model.isBlank() || !model.equals(model.strip())) {
                    models.problem(modelPath + ": \"" + model
                            + "\" is not a model id (expected: no surrounding spaces)");
                    continue;
                }
                int problemsBeforeModel = models.problemCount();
                List<ConfigNode> entries = models.objects(model);
                if (entries.isEmpty()) {
                    if (models.problemCount() == problemsBeforeModel) {
                        models.problem(modelPath + ": empty (expected: a list of dated prices)");
                    }
                    continue;
                }
                List<Price> series = new ArrayList<>();
                for (ConfigNode entry : entries) {
                    Price price = readPrice(entry, true);
                    if (price == null) {
                        continue;
                    }
                    if (!series.isEmpty() && !price.effectiveFrom().isAfter(series.getLast().effectiveFrom())) {
                        entry.problem(entry.childPath("effectiveFrom") + ": " + price.effectiveFrom()
                                + " is not after " + series.getLast().effectiveFrom()
                                + " (expected: prices in date order, one per date)");
                        continue;
                    }
                    series.add(price);
                }
                byModel.put(model, List.copyOf(series));
            }
            families.put(family, Map.copyOf(byModel));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(p -> "price table: " + p).toList());
        }
        return new PriceTable(Map.copyOf(families));
    }

    /**
     * Reads a price mapping: {@code input} and {@code output} required, the other prices
     * optional, and {@code effectiveFrom} required when {@code dated} (a table entry) and not
     * allowed otherwise (a deployment's own price applies on every day).
     *
     * @return the price, or {@code null} after recording its problems
     */
    static Price readPrice(ConfigNode node, boolean dated) {
        List<String> fields = new ArrayList<>(PRICE_FIELDS);
        if (dated) {
            fields.addFirst("effectiveFrom");
        }
        node.allowOnly(fields.toArray(String[]::new));
        int problemsBefore = node.problemCount();
        LocalDate effectiveFrom = null;
        if (dated) {
            effectiveFrom = node.date("effectiveFrom");
            if (!node.has("effectiveFrom")) {
                node.problem(node.childPath("effectiveFrom") + ": missing (required)");
            }
        }
        BigDecimal input = priceField(node, "input", true);
        BigDecimal cachedInput = priceField(node, "cachedInput", false);
        BigDecimal cacheWrite = priceField(node, "cacheWrite", false);
        BigDecimal output = priceField(node, "output", true);
        BigDecimal reasoning = priceField(node, "reasoning", false);
        if (node.problemCount() != problemsBefore) {
            return null;
        }
        return new Price(input, cachedInput, cacheWrite, output, reasoning, effectiveFrom);
    }

    private static BigDecimal priceField(ConfigNode node, String field, boolean required) {
        if (!node.has(field)) {
            if (required) {
                node.problem(node.childPath(field) + ": missing (required, USD per 1M tokens)");
            }
            return null;
        }
        BigDecimal value = node.decimal(field);
        if (value == null) {
            return null;
        }
        String problem = Price.problem(value);
        if (problem != null) {
            node.problem(node.childPath(field) + ": " + Price.shown(value) + " " + problem);
            return null;
        }
        return value;
    }

    /**
     * The price of {@code model} in {@code family} in force on {@code date}.
     *
     * @return empty when the family or model is not in the table, or the date is before its first price
     */
    public Optional<Price> priceFor(String family, String model, LocalDate date) {
        return find(family, model, date).map(Match::price);
    }

    /** Like {@link #priceFor}, saying also which table entry matched (after the dated-id fallback). */
    public Optional<Match> find(String family, String model, LocalDate date) {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(date, "date");
        String familyKey = family.toLowerCase(Locale.ROOT);
        Map<String, List<Price>> models = prices.get(familyKey);
        if (models == null) {
            return Optional.empty();
        }
        String key = model;
        List<Price> series = models.get(key);
        if (series == null) {
            key = undated(model);
            series = key == null ? null : models.get(key);
        }
        if (series == null) {
            return Optional.empty();
        }
        for (int i = series.size() - 1; i >= 0; i--) {
            if (!series.get(i).effectiveFrom().isAfter(date)) {
                return Optional.of(new Match(familyKey, key, series.get(i)));
            }
        }
        return Optional.empty();
    }

    /** {@code model} without its trailing {@code -YYYY-MM-DD} or {@code -YYYYMMDD} date; {@code null} without one. */
    static String undated(String model) {
        // Asked on every priced request: rule out the common undated ids before the regex.
        if (!endsWithDate(model)) {
            return null;
        }
        Matcher m = DATED_MODEL.matcher(model);
        if (!m.matches()) {
            return null;
        }
        String date = m.group(2);
        try {
            if (date.length() == 8) {
                LocalDate.parse(date, COMPACT_DATE);
            } else {
                LocalDate.parse(date);
            }
        } catch (DateTimeParseException e) {
            return null;
        }
        return m.group(1);
    }

    /** Whether {@code model} ends in {@code -DDDDDDDD} or {@code -DDDD-DD-DD} (digits D), the shapes of {@link #DATED_MODEL}. */
    private static boolean endsWithDate(String model) {
        int n = model.length();
        return n > 9 && model.charAt(n - 9) == '-' && digits(model, n - 8, n)
                || n > 11 && model.charAt(n - 11) == '-' && digits(model, n - 10, n - 6) && model.charAt(n - 6) == '-'
                        && digits(model, n - 5, n - 3) && model.charAt(n - 3) == '-' && digits(model, n - 2, n);
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The family {@code provider}'s deployments are priced from: its {@code priceFamily} when
     * set; otherwise {@code azure} for kind azure, {@code anthropic} and {@code cohere} for those
     * kinds, {@code google} for kind gemini, {@code mock} for kind mock (not in the table:
     * unpriced), and for kind openai the vendor of a known base URL host ({@link #VENDOR_HOSTS}:
     * {@code api.anthropic.com} is {@code anthropic}, ...) or else {@code openai}.
     */
    public static String familyOf(Provider provider) {
        if (provider.priceFamily() != null) {
            return provider.priceFamily();
        }
        return switch (provider.kind()) {
            case AZURE -> "azure";
            case ANTHROPIC -> "anthropic";
            case COHERE -> "cohere";
            case GEMINI -> "google";
            case BEDROCK -> "bedrock";
            case MOCK -> "mock";
            case OPENAI -> {
                String host = provider.baseUrl().getHost();
                yield host == null ? "openai" : VENDOR_HOSTS.getOrDefault(host.toLowerCase(Locale.ROOT), "openai");
            }
        };
    }

    /** Whether {@code name} may name a family: lower-case letters, digits, - and _, at most 64. */
    static boolean isFamilyName(String name) {
        return FAMILY_NAME.matcher(name).matches();
    }

    /** The families in the table. */
    public Set<String> families() {
        return prices.keySet();
    }

    /** Every model of {@code family} with its prices in date order; empty for an unknown family. */
    public Map<String, List<Price>> models(String family) {
        return prices.getOrDefault(family.toLowerCase(Locale.ROOT), Map.of());
    }

    @Override
    public String toString() {
        return "PriceTable[families=" + prices.keySet().stream().sorted().toList() + ", models="
                + prices.values().stream().mapToInt(Map::size).sum() + "]";
    }
}
