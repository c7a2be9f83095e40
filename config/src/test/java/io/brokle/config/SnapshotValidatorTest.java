package io.brokle.config;

import static io.brokle.config.Yaml.HASH_A;
import static io.brokle.config.Yaml.HASH_B;
import static io.brokle.config.Yaml.HASH_C;
import static io.brokle.config.Yaml.MINIMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Cross-references and uniqueness, through the codec and on records directly. */
class SnapshotValidatorTest {
    private static final Provider MOCK = new Provider("local", ProviderKind.MOCK, null, null, null, true,
            UpstreamTimeouts.DEFAULTS, MockOptions.DEFAULTS);
    private static final TenantPath TENANT = new TenantPath("acme", "search", "prod");

    @Test
    void unknownDeploymentInRouteIsReportedWithItsPath() {
        List<String> problems = Yaml.problems(MINIMAL.replace("[mock-chat]", "[mock-chat, gpt-4o-eu]"));

        assertEquals(List.of("routes[0].deployments[1]: unknown deployment \"gpt-4o-eu\" (known: mock-chat)"),
                problems);
    }

    @Test
    void unknownProviderInDeploymentIsReportedWithItsPath() {
        List<String> problems = Yaml.problems(MINIMAL.replace("provider: local", "provider: openai"));

        assertEquals(List.of("deployments[0].provider: unknown provider \"openai\" (known: local)"), problems);
    }

    @Test
    void knownNamesAreSortedAndNoneIsSaidWhenThereAreNone() {
        List<String> problems = Yaml.problems("""
                deployments:
                  - name: d
                    provider: nowhere
                    model: m
                routes:
                  - model: r
                    deployments: [zz, d]
                """);

        assertEquals(List.of(
                "deployments[0].provider: unknown provider \"nowhere\" (none are defined)",
                "routes[0].deployments[0]: unknown deployment \"zz\" (known: d)"), problems);
    }

    @Test
    void everyCrossReferenceProblemIsReportedAtOnce() {
        List<String> problems = Yaml.problems("""
                providers:
                  - name: b-prov
                    kind: mock
                  - name: a-prov
                    kind: mock
                  - name: a-prov
                    kind: mock
                deployments:
                  - name: d1
                    provider: a-prov
                    model: m
                  - name: d2
                    provider: y
                    model: m
                  - name: d1
                    provider: b-prov
                    model: m
                routes:
                  - model: r
                    deployments: [d1, x, d1]
                  - model: r
                    deployments: [d2]
                keys:
                  - id: k
                    hash: %s
                    tenant: a/b/c
                    models: [nope]
                  - id: k
                    hash: %s
                    tenant: a/b/c
                """.formatted(HASH_A, HASH_A));

        assertEquals(List.of(
                "providers[2].name: duplicate provider \"a-prov\"",
                "deployments[1].provider: unknown provider \"y\" (known: a-prov, b-prov)",
                "deployments[2].name: duplicate deployment \"d1\"",
                "routes[0].deployments[1]: unknown deployment \"x\" (known: d1, d2)",
                "routes[0].deployments[2]: \"d1\" is listed twice",
                "routes[1].model: duplicate route \"r\"",
                "keys[0].models[0]: unknown model \"nope\" (known: r)",
                "keys[1].id: duplicate key id \"k\"",
                "keys[1].hash: the same hash as an earlier key (each key needs its own secret)"), problems);
    }

    @Test
    void hashesDifferingOnlyInCaseAreDuplicates() {
        List<String> problems = Yaml.problems(MINIMAL + """
                keys:
                  - id: k1
                    hash: %s
                    tenant: a/b/c
                  - id: k2
                    hash: %s
                    tenant: a/b/c
                """.formatted("ab".repeat(32), "AB".repeat(32)));

        assertEquals(List.of("keys[1].hash: the same hash as an earlier key (each key needs its own secret)"),
                problems);
    }

    @Test
    void keyModelsMustNameRoutes() {
        List<String> problems = Yaml.problems(MINIMAL + """
                keys:
                  - id: k
                    hash: %s
                    tenant: a/b/c
                    models: [gpt-4o]
                """.formatted(HASH_A));

        assertEquals(List.of("keys[0].models[0]: unknown model \"gpt-4o\" (known: mock)"), problems);
    }

    @Test
    void keyModelProblemNamesTheIndexInTheFile() {
        // The models are kept in a Set, so the position in the file is lost: a repeated entry shifts
        // (and Set.copyOf's iteration order scrambles) the index the problem reports.
        List<String> problems = Yaml.problems(MINIMAL + """
                keys:
                  - id: k
                    hash: %s
                    tenant: a/b/c
                    models: [mock, mock, gpt-4o]
                """.formatted(HASH_A));

        assertEquals(List.of("keys[0].models[1]: \"mock\" is listed twice",
                "keys[0].models[2]: unknown model \"gpt-4o\" (known: mock)"), problems);
    }

    @Test
    void sameDeploymentInTwoRoutesIsFine() {
        GatewaySnapshot snapshot = Yaml.parse(MINIMAL + "  - model: mock-2\n    deployments: [mock-chat]\n").snapshot();

        assertEquals(List.of("mock", "mock-2"), snapshot.servableModels());
    }

    @Test
    void validatesRecordsBuiltInCode() {
        GatewaySnapshot snapshot = SnapshotValidator.validate(7, List.of(MOCK),
                List.of(new Deployment("d", "local", "m", 1)), List.of(new Route("r", List.of("d"))),
                List.of(new VirtualKey("k", HASH_A, TENANT, Set.of("r"), null, false)));

        assertEquals(7, snapshot.version());
        assertEquals(Set.of("local"), snapshot.providers().keySet());
        assertEquals(Set.of(HASH_A), snapshot.keysByHash().keySet());
    }

    @Test
    void duplicateKeyIdsAndHashesFromCodeAreReported() {
        ConfigException e = assertThrows(ConfigException.class, () -> SnapshotValidator.validate(0, List.of(MOCK),
                List.of(), List.of(), List.of(
                        new VirtualKey("k", HASH_A, TENANT, Set.of(), null, false),
                        new VirtualKey("k", HASH_B, TENANT, Set.of(), null, false),
                        new VirtualKey("k2", HASH_A, TENANT, Set.of(), null, false),
                        new VirtualKey("k3", HASH_C, TENANT, Set.of(), null, false))));

        assertEquals(List.of("keys[1].id: duplicate key id \"k\"",
                "keys[2].hash: the same hash as an earlier key (each key needs its own secret)"), e.problems());
    }

    @Test
    void emptySnapshotIsValid() {
        GatewaySnapshot snapshot = SnapshotValidator.validate(0, List.of(), List.of(), List.of(), List.of());

        assertEquals(List.of(), snapshot.servableModels());
    }
}
