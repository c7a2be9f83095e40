package io.brokle.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found in it. Each problem names the
 * path, the offending value (never a secret) and what was expected, for example
 * {@code routes[2].deployments[0]: unknown deployment "gpt-4o-eu"}.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Every problem, in the order found. Never empty. */
    public List<String> problems() {
        return problems;
    }

    private static String summary(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        return problems.size() == 1
                ? "invalid configuration: " + problems.get(0)
                : "invalid configuration, " + problems.size() + " problems:\n  - " + String.join("\n  - ", problems);
    }
}
