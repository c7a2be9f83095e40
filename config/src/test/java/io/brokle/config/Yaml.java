package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

/** Helpers shared by the config tests: parse with a fixed environment and collect the problems. */
final class Yaml {
    static final String HASH_A = "a".repeat(64);
    static final String HASH_B = "0123456789abcdef".repeat(4);
    static final String HASH_C = "c".repeat(64);

    /** A small valid file to which tests append or from which they change one line. */
    static final String MINIMAL = """
            providers:
              - name: local
                kind: mock
            deployments:
              - name: mock-chat
                provider: local
                model: mock-1
            routes:
              - model: mock
                deployments: [mock-chat]
            """;

    private Yaml() {
    }

    static GatewayConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    static GatewayConfig parse(String yaml, Map<String, String> env) {
        return SnapshotCodec.parse(yaml, env::get);
    }

    static ConfigException failure(String yaml) {
        return failure(yaml, Map.of());
    }

    static ConfigException failure(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> SnapshotCodec.parse(yaml, env::get),
                "expected a ConfigException for:\n" + yaml);
    }

    static List<String> problems(String yaml) {
        return failure(yaml).problems();
    }

    static List<String> problems(String yaml, Map<String, String> env) {
        return failure(yaml, env).problems();
    }

    /** One openai provider {@code up} with {@code providerLines} (baseUrl, apiKey, ...), a deployment and a route. */
    static String openAiWith(String providerLines) {
        return """
                providers:
                  - name: up
                    kind: openai
                %s
                deployments:
                  - name: d
                    provider: up
                    model: m
                routes:
                  - model: r
                    deployments: [d]
                """.formatted(providerLines.indent(4).stripTrailing());
    }

    /** A file whose {@code server} mapping holds {@code serverLines}. */
    static String serverWith(String serverLines) {
        return "server:\n" + serverLines.indent(2) + MINIMAL;
    }
}
