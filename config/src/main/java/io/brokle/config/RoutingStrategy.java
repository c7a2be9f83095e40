package io.brokle.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How a route orders its deployments for a request. The YAML name is the lower-case, hyphenated form. */
public enum RoutingStrategy {
    /** A random pick by weight first; the others after it, as fallbacks, by weight too. */
    WEIGHTED("weighted"),
    /** The route's order: the first healthy deployment, then the next. */
    PRIORITY("priority"),
    /** The lowest recent time to first byte (a decaying average) first. */
    LEAST_LATENCY("least-latency"),
    /** The fewest requests in flight first. */
    LEAST_IN_FLIGHT("least-in-flight"),
    /** The cheapest at today's prices first (a million input plus a million output tokens); unpriced last. */
    LOWEST_COST("lowest-cost");

    private final String yamlName;

    RoutingStrategy(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }

    public static Optional<RoutingStrategy> fromYaml(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.yamlName.equals(n)).findFirst();
    }

    public static String allYamlNames() {
        return Arrays.stream(values()).map(RoutingStrategy::yamlName).collect(Collectors.joining(", "));
    }
}
