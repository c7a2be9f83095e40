package io.brokle.benchmarks.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --name value} command-line flags; a flag may repeat. Unknown flags are an error. */
final class Flags {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)?");
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    Flags(String[] args, Set<String> known) {
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!flag.startsWith("--") || !known.contains(flag.substring(2))) {
                throw new IllegalArgumentException("unknown flag: " + flag + " (known: --" + String.join(", --", known) + ")");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            values.computeIfAbsent(flag.substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
    }

    String string(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    String required(String name) {
        String v = string(name, null);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    int integer(String name, int fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": \"" + v + "\" is not an integer");
        }
    }

    boolean bool(String name, boolean fallback) {
        String v = string(name, null);
        return v == null ? fallback : v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes");
    }

    /** {@code 60}, {@code 60s}, {@code 500ms}, {@code 2m}; a bare number is seconds. */
    Duration duration(String name, Duration fallback) {
        String v = string(name, null);
        if (v == null) {
            return fallback;
        }
        Matcher m = DURATION.matcher(v.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("--" + name + ": \"" + v + "\" is not a duration (e.g. 60s, 500ms)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double nanos = switch (unit) {
            case "ms" -> amount * 1e6;
            case "m" -> amount * 60e9;
            default -> amount * 1e9;
        };
        return Duration.ofNanos((long) nanos);
    }
}
