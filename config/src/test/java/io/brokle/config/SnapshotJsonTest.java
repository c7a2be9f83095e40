package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotJsonTest {
    private static final String YAML = """
            providers:
              - {name: mock, kind: mock, mock: {latency: 5ms, chunks: 3}}
              - name: openai
                kind: openai
                baseUrl: https://api.openai.com/v1
                apiKey: "sk-with-${literal}-dollar"
                timeouts: {connect: 2s, firstByte: 40s}
              - {name: azure, kind: azure, baseUrl: https://r.openai.azure.com, apiKey: k, apiVersion: 2024-10-21, enabled: false}
            deployments:
              - {name: d-mock, provider: mock, model: mock-1, weight: 3}
              - name: d-openai
                provider: openai
                model: gpt-4o
                price: {input: 2.5, output: 10, cachedInput: 1.25}
                timeouts: {total: 1m}
            routes:
              - {model: demo, deployments: [d-mock, d-openai], strategy: lowest-cost, fallbacks: [gpt], maxAttempts: 5}
              - {model: gpt, deployments: [d-openai], aliases: [gpt-latest, chatgpt], maxEjectionPercent: 100}
            keys:
              - {id: k1, hash: %s, tenant: acme/chat/prod, models: [gpt, demo], expiresAt: "2027-01-01T00:00:00Z"}
              - {id: k2, hash: %s, tenant: acme/chat/prod, revoked: true}
            """.formatted("a".repeat(64), "b".repeat(64));

    private static GatewaySnapshot parsed() {
        // $${ keeps the credential's "${" literal in the YAML; the JSON form needs no escaping.
        return SnapshotCodec.parse(YAML.replace("${literal}", "$${literal}"), Map.<String, String>of()::get).snapshot().withVersion(42);
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        GatewaySnapshot snapshot = parsed();

        GatewaySnapshot decoded = SnapshotJson.decode(SnapshotJson.encode(snapshot));

        assertEquals(snapshot, decoded);
        assertEquals(42, decoded.version());
        assertEquals("sk-with-${literal}-dollar", decoded.providers().get("openai").apiKey());
    }

    @Test
    void equalSnapshotsEncodeToEqualBytes() {
        assertArrayEquals(SnapshotJson.encode(parsed()), SnapshotJson.encode(SnapshotJson.decode(SnapshotJson.encode(parsed()))));
    }

    @Test
    void aBrokenReferenceIsRejectedWithItsPath() {
        String json = new String(SnapshotJson.encode(parsed()), StandardCharsets.UTF_8)
                .replace("\"deployments\":[\"d-openai\"]", "\"deployments\":[\"d-gone\"]");

        ConfigException e = assertThrows(ConfigException.class,
                () -> SnapshotJson.decode(json.getBytes(StandardCharsets.UTF_8)));

        assertTrue(e.getMessage().contains("routes[1].deployments[0]: unknown deployment \"d-gone\""), e.getMessage());
    }

    @Test
    void garbageAndOtherFormatsAreRejectedWithoutEchoingCredentials() {
        assertThrows(ConfigException.class, () -> SnapshotJson.decode("not json".getBytes(StandardCharsets.UTF_8)));
        String otherFormat = new String(SnapshotJson.encode(parsed()), StandardCharsets.UTF_8)
                .replace("\"format\":1", "\"format\":99");
        ConfigException e = assertThrows(ConfigException.class,
                () -> SnapshotJson.decode(otherFormat.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("snapshot.format: 99"), e.getMessage());
        String badKind = new String(SnapshotJson.encode(parsed()), StandardCharsets.UTF_8)
                .replace("\"kind\":\"azure\"", "\"kind\":\"martian\"");
        ConfigException kind = assertThrows(ConfigException.class,
                () -> SnapshotJson.decode(badKind.getBytes(StandardCharsets.UTF_8)));
        assertTrue(kind.getMessage().contains("\"martian\""), kind.getMessage());
        assertFalse(kind.getMessage().contains("sk-with"), kind.getMessage());
    }
}
