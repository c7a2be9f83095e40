package io.brokle.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping or sequence with its path, read field by field. Every problem (wrong type,
 * unknown field, missing field, bad value) is added to a shared list instead of thrown, so one
 * pass reports them all. Getters return a default (or {@code null}) after recording a problem.
 */
final class ConfigNode {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");
    /** The longest duration; far beyond any sensible timeout, and {@link Duration#toNanos()} still fits a long. */
    static final Duration MAX_DURATION = Duration.ofDays(100_000);
    /** The largest byte size: a round number below the largest Java array. */
    static final int MAX_BYTES = 2047 * 1024 * 1024;

    private final JsonNode node;
    private final String path;
    private final Function<String, String> env;
    private final List<String> problems;
    private final Set<String> secretFields;

    ConfigNode(JsonNode node, String path, Function<String, String> env, List<String> problems, Set<String> secretFields) {
        this.node = node;
        this.path = path;
        this.env = env;
        this.problems = problems;
        this.secretFields = secretFields;
    }

    String path() {
        return path;
    }

    void problem(String message) {
        problems.add(message);
    }

    /** Problems found so far in the whole file; lets a reader tell whether its own fields were fine. */
    int problemCount() {
        return problems.size();
    }

    String childPath(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** Records a problem for every field not in {@code known}; typos must not pass silently. */
    void allowOnly(String... known) {
        if (node == null || !node.isObject()) {
            return;
        }
        Set<String> allowed = Set.of(known);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                problems.add(childPath(name) + ": unknown field (expected one of: " + String.join(", ", known) + ")");
            }
        }
    }

    /** The keys of this mapping in file order; empty when it is not a mapping. */
    List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        if (node != null && node.isObject()) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    boolean has(String field) {
        return node != null && node.has(field) && !node.get(field).isNull();
    }

    /** The child mapping, or {@code null} (with a problem when present but not a mapping). */
    ConfigNode object(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode child = node.get(field);
        if (!child.isObject()) {
            problems.add(childPath(field) + ": " + describe(child, field) + " (expected: a mapping)");
            return null;
        }
        return new ConfigNode(child, childPath(field), env, problems, secretFields);
    }

    /** The items of a sequence of mappings; empty when absent. */
    List<ConfigNode> objects(String field) {
        List<ConfigNode> items = new ArrayList<>();
        if (!has(field)) {
            return items;
        }
        JsonNode child = node.get(field);
        if (!child.isArray()) {
            problems.add(childPath(field) + ": " + describe(child, field) + " (expected: a list)");
            return items;
        }
        for (int i = 0; i < child.size(); i++) {
            String itemPath = childPath(field) + "[" + i + "]";
            if (!child.get(i).isObject()) {
                problems.add(itemPath + ": " + describe(child.get(i), field) + " (expected: a mapping)");
            } else {
                items.add(new ConfigNode(child.get(i), itemPath, env, problems, secretFields));
            }
        }
        return items;
    }

    /**
     * A sequence of strings; empty when absent. An item that is not a string is reported and
     * stays in the list as {@code null}, so positions match the file.
     */
    List<String> strings(String field) {
        List<String> items = new ArrayList<>();
        if (!has(field)) {
            return items;
        }
        JsonNode child = node.get(field);
        if (!child.isArray()) {
            problems.add(childPath(field) + ": " + describe(child, field) + " (expected: a list of strings)");
            return items;
        }
        for (int i = 0; i < child.size(); i++) {
            JsonNode item = child.get(i);
            String itemPath = childPath(field) + "[" + i + "]";
            if (!item.isTextual()) {
                problems.add(itemPath + ": " + describe(item, field) + " (expected: a string)");
                items.add(null);
            } else {
                items.add(EnvSubstitution.apply(item.asText(), env, itemPath, problems));
            }
        }
        return items;
    }

    /** A string after {@code ${ENV}} substitution, or {@code null} when absent. */
    String string(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode child = node.get(field);
        if (!child.isValueNode() || child.isBinary()) {
            problems.add(childPath(field) + ": " + describe(child, field) + " (expected: a string)");
            return null;
        }
        return EnvSubstitution.apply(child.asText(), env, childPath(field), problems, secretFields.contains(field));
    }

    String requiredString(String field) {
        String value = string(field);
        if (value == null && !has(field)) {
            problems.add(childPath(field) + ": missing (required)");
        } else if (value != null && value.isBlank()) {
            problems.add(childPath(field) + ": empty (required)");
            return null;
        }
        return value;
    }

    String name(String field) {
        String value = requiredString(field);
        if (value != null && !value.matches("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,127}")) {
            problems.add(childPath(field) + ": \"" + value
                    + "\" is not a valid name (expected: letters, digits and . _ : / @ -, at most 128)");
            return null;
        }
        return value;
    }

    int integer(String field, int defaultValue, int min, int max) {
        String raw = string(field);
        if (raw == null) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                problems.add(childPath(field) + ": " + value + " (expected: " + min + ".." + max + ")");
                return defaultValue;
            }
            return value;
        } catch (NumberFormatException e) {
            problems.add(childPath(field) + ": \"" + raw + "\" (expected: a whole number)");
            return defaultValue;
        }
    }

    boolean bool(String field, boolean defaultValue) {
        String raw = string(field);
        if (raw == null) {
            return defaultValue;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problems.add(childPath(field) + ": \"" + raw + "\" (expected: true or false)");
                yield defaultValue;
            }
        };
    }

    /**
     * A duration like {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601 {@code PT30S},
     * above zero (or at least zero when {@code zeroAllowed}) and at most {@link #MAX_DURATION}.
     */
    Duration duration(String field, Duration defaultValue, boolean zeroAllowed) {
        String raw = string(field);
        if (raw == null) {
            return defaultValue;
        }
        Duration d;
        try {
            d = parseDuration(raw.trim());
        } catch (DateTimeParseException e) {
            problems.add(childPath(field) + ": \"" + raw + "\" (expected: a duration like 500ms, 30s, 5m, 1h)");
            return defaultValue;
        } catch (ArithmeticException | NumberFormatException e) {
            d = null; // does not fit a Duration
        }
        if (d == null || d.compareTo(MAX_DURATION) > 0) {
            problems.add(childPath(field) + ": \"" + raw + "\" (expected: at most " + MAX_DURATION.toDays() + "d)");
            return defaultValue;
        }
        if (d.isNegative() || d.isZero() && !zeroAllowed) {
            problems.add(childPath(field) + ": " + d + " (expected: " + (zeroAllowed ? ">= 0" : "> 0") + ")");
            return defaultValue;
        }
        return d;
    }

    private static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return Duration.parse(text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A byte size like {@code 1048576}, {@code 64KiB}, {@code 32MiB}, {@code 1GiB}. */
    int bytes(String field, int defaultValue, int min) {
        String raw = string(field);
        if (raw == null) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(raw.trim());
        if (!m.matches()) {
            problems.add(childPath(field) + ": \"" + raw + "\" (expected: bytes, or a size like 64KiB, 32MiB, 1GiB)");
            return defaultValue;
        }
        long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "KiB" -> 1024L;
            case "MiB" -> 1024L * 1024;
            case "GiB" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        BigInteger value = new BigInteger(m.group(1)).multiply(BigInteger.valueOf(unit));
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(MAX_BYTES)) > 0) {
            problems.add(childPath(field) + ": " + raw + " (expected: " + min + " bytes to 2047MiB)");
            return defaultValue;
        }
        return value.intValueExact();
    }

    /**
     * A decimal number such as {@code 2.50}, {@code 10} or {@code "0.075"}, exactly as written
     * (a YAML float goes through its shortest decimal form, so {@code 0.075} stays 0.075);
     * {@code null} when absent or not a number.
     */
    BigDecimal decimal(String field) {
        String raw = string(field);
        if (raw == null) {
            return null;
        }
        try {
            return new BigDecimal(raw.trim());
        } catch (NumberFormatException | ArithmeticException e) {
            problems.add(childPath(field) + ": \"" + raw + "\" (expected: a number)");
            return null;
        }
    }

    /** A calendar date like {@code 2025-04-14}; {@code null} when absent or not a date. */
    LocalDate date(String field) {
        String raw = string(field);
        if (raw == null) {
            return null;
        }
        try {
            return LocalDate.parse(raw.trim());
        } catch (DateTimeParseException e) {
            problems.add(childPath(field) + ": \"" + raw + "\" (expected: a date like 2025-04-14)");
            return null;
        }
    }

    Instant instant(String field) {
        String raw = string(field);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(raw.trim());
        } catch (DateTimeParseException e) {
            problems.add(childPath(field) + ": \"" + raw + "\" (expected: an instant like 2027-01-31T00:00:00Z)");
            return null;
        }
    }

    /** An absolute http(s) URL with a host and no credentials, query or fragment. */
    URI httpUrl(String field) {
        String raw = requiredString(field);
        if (raw == null) {
            return null;
        }
        try {
            URI uri = new URI(raw.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                problems.add(childPath(field) + ": " + shown(raw, uri)
                        + " (expected: an http:// or https:// URL with a host)");
                return null;
            }
            if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                problems.add(childPath(field) + ": " + shown(raw, uri)
                        + " must not carry credentials, a query or a fragment");
                return null;
            }
            String p = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            return new URI(scheme, null, uri.getHost(), uri.getPort(), p.isEmpty() ? null : uri.getPath()
                    .replaceAll("/+$", ""), null, null);
        } catch (Exception e) {
            problems.add(childPath(field) + ": " + shown(raw, null) + " is not a URL");
            return null;
        }
    }

    /**
     * A URL for a message. Credentials (user info) or a query may hold a secret, so a URL that may
     * carry them shows only its scheme and host, or nothing when it cannot be parsed.
     */
    private static String shown(String raw, URI uri) {
        if (raw.indexOf('@') < 0 && raw.indexOf('?') < 0 && raw.indexOf('#') < 0) {
            return "\"" + raw + "\"";
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            return "(not shown, it may carry credentials)";
        }
        return "\"" + uri.getScheme() + "://" + uri.getHost() + "...\"";
    }

    Path pathValue(String field, Path defaultValue) {
        String raw = string(field);
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            return Path.of(raw.trim());
        } catch (InvalidPathException e) {
            problems.add(childPath(field) + ": \"" + raw + "\" is not a valid path (" + e.getReason() + ")");
            return defaultValue;
        }
    }

    private String describe(JsonNode value, String field) {
        if (secretFields.contains(field)) {
            return "(a secret, not shown)";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        String text = value.asText();
        return "\"" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "\"";
    }
}
