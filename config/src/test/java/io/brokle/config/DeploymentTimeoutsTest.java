package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentTimeoutsTest {
    private static final String YAML = """
            providers:
              - {name: p, kind: openai, baseUrl: https://api.example.com/v1, timeouts: {connect: 2s, firstByte: 90s, idle: 20s, total: 5m}}
            deployments:
              - {name: fast, provider: p, model: m, timeouts: {firstByte: 5s}}
              - {name: plain, provider: p, model: m}
            routes:
              - {model: r, deployments: [fast, plain]}
            """;

    @Test
    void aDeploymentOverridesOnlyTheLimitsItSetsAndInheritsTheRestFromItsProvider() {
        GatewaySnapshot snapshot = SnapshotCodec.parse(YAML, Map.<String, String>of()::get).snapshot();
        Provider p = snapshot.providers().get("p");

        UpstreamTimeouts fast = snapshot.deployments().get("fast").timeoutsWith(p);
        assertEquals(new UpstreamTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(20),
                Duration.ofMinutes(5)), fast);
        assertNull(snapshot.deployments().get("plain").timeouts());
        assertEquals(p.timeouts(), snapshot.deployments().get("plain").timeoutsWith(p));
    }

    @Test
    void badDeploymentTimeoutsAreReportedWithTheirPath() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> SnapshotCodec.parse(
                YAML.replace("timeouts: {firstByte: 5s}", "timeouts: {firstByte: soon, wait: 1s}"),
                Map.<String, String>of()::get));

        assertEquals(List.of("deployments[0].timeouts.wait: unknown field (expected one of: connect, firstByte, idle, total)",
                "deployments[0].timeouts.firstByte: \"soon\" (expected: a duration like 500ms, 30s, 5m, 1h)"), e.problems());
    }
}
