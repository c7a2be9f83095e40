package io.brokle.config;

import static io.brokle.config.Yaml.HASH_A;
import static io.brokle.config.Yaml.HASH_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which deployments and models a snapshot can serve, and how it is copied. */
class GatewaySnapshotTest {
    private static final String FILE = """
            providers:
              - name: local
                kind: mock
              - name: openai
                kind: openai
                baseUrl: https://api.openai.com/v1
                apiKey: ${OPENAI_API_KEY:-}
              - name: azure
                kind: azure
                baseUrl: https://r.openai.azure.com
                apiKey: ${AZURE_API_KEY:-}
                apiVersion: "2024-10-21"
              - name: off
                kind: mock
                enabled: false
            deployments:
              - name: gpt-openai
                provider: openai
                model: gpt-4o
              - name: gpt-azure
                provider: azure
                model: gpt-4o
                weight: 2
              - name: gpt-mock
                provider: local
                model: mock-1
                weight: 0
              - name: mock-a
                provider: local
                model: mock-1
              - name: mock-off
                provider: off
                model: mock-1
            routes:
              - model: gpt-4o
                deployments: [gpt-openai, gpt-mock, gpt-azure]
              - model: only-openai
                deployments: [gpt-openai]
              - model: mock
                deployments: [mock-off, mock-a]
              - model: parked
                deployments: [gpt-mock, mock-off]
            """;

    private static GatewaySnapshot snapshot(Map<String, String> env) {
        return Yaml.parse(FILE, env).snapshot();
    }

    @Test
    void providerWithoutItsKeyIsDisabledAndLeftOutOfUsableDeployments() {
        GatewaySnapshot s = snapshot(Map.of("AZURE_API_KEY", "az"));

        assertFalse(s.providers().get("openai").enabled());
        assertEquals(null, s.providers().get("openai").apiKey());
        assertEquals(List.of(s.deployments().get("gpt-azure")), s.usableDeployments(s.route("gpt-4o").orElseThrow()));
        assertEquals(List.of(), s.usableDeployments(s.route("only-openai").orElseThrow()));
    }

    @Test
    void servableModelsLeaveOutRoutesWithNoUsableDeployment() {
        assertEquals(List.of("gpt-4o", "mock"), snapshot(Map.of("AZURE_API_KEY", "az")).servableModels());
        assertEquals(List.of("mock"), snapshot(Map.of()).servableModels());
    }

    @Test
    void usableDeploymentsKeepTheRouteOrderAndSkipWeightZero() {
        GatewaySnapshot s = snapshot(Map.of("OPENAI_API_KEY", "sk", "AZURE_API_KEY", "az"));

        assertEquals(List.of(s.deployments().get("gpt-openai"), s.deployments().get("gpt-azure")),
                s.usableDeployments(s.route("gpt-4o").orElseThrow()));
        assertEquals(List.of("gpt-4o", "mock", "only-openai"), s.servableModels());
    }

    @Test
    void explicitlyDisabledProviderIsNotUsed() {
        GatewaySnapshot s = snapshot(Map.of());

        assertEquals(List.of(s.deployments().get("mock-a")), s.usableDeployments(s.route("mock").orElseThrow()));
        assertTrue(s.usableDeployments(s.route("parked").orElseThrow()).isEmpty());
    }

    @Test
    void unknownRouteAndKeyAreEmpty() {
        GatewaySnapshot s = snapshot(Map.of());

        assertTrue(s.route("gpt-5").isEmpty());
        assertTrue(s.keyByHash(HASH_A).isEmpty());
    }

    @Test
    void withVersionKeepsEverythingElse() {
        GatewaySnapshot s = snapshot(Map.of());
        GatewaySnapshot v2 = s.withVersion(2);

        assertEquals(2, v2.version());
        assertEquals(0, s.version());
        assertEquals(s.providers(), v2.providers());
        assertEquals(s.routes(), v2.routes());
        assertThrows(IllegalArgumentException.class, () -> s.withVersion(-1));
    }

    @Test
    void withKeysAddsAndReplacesByHash() {
        TenantPath tenant = new TenantPath("local", "dev", "dev");
        VirtualKey first = new VirtualKey("dev", HASH_A, tenant, Set.of(), null, false);
        VirtualKey replacement = new VirtualKey("dev2", HASH_A, tenant, Set.of(), null, true);
        VirtualKey other = new VirtualKey("other", HASH_B, tenant, Set.of(), null, false);
        GatewaySnapshot s = snapshot(Map.of()).withKeys(List.of(first));

        assertSame(first, s.keyByHash(HASH_A).orElseThrow());
        GatewaySnapshot s2 = s.withKeys(List.of(replacement, other));
        assertSame(replacement, s2.keyByHash(HASH_A).orElseThrow());
        assertSame(other, s2.keyByHash(HASH_B).orElseThrow());
        assertSame(first, s.keyByHash(HASH_A).orElseThrow(), "the original snapshot is unchanged");
    }

    @Test
    void mapsAreImmutableCopies() {
        Map<String, Route> routes = new HashMap<>(Map.of("r", new Route("r", List.of("d"))));
        GatewaySnapshot s = new GatewaySnapshot(0, Map.of(), Map.of(), routes, Map.of());
        routes.clear();

        assertEquals(Set.of("r"), s.routes().keySet());
        assertThrows(UnsupportedOperationException.class, () -> s.routes().clear());
    }

    @Test
    void ofRejectsDuplicateNames() {
        var e = assertThrows(IllegalArgumentException.class, () -> GatewaySnapshot.of(0, List.of(), List.of(),
                List.of(new Route("r", List.of("a")), new Route("r", List.of("b"))), List.of()));

        assertEquals("duplicate name: r", e.getMessage());
    }

    @Test
    void negativeVersionIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new GatewaySnapshot(-1, Map.of(), Map.of(), Map.of(), Map.of()));

        assertEquals("version: -1 (expected: >= 0)", e.getMessage());
    }
}
