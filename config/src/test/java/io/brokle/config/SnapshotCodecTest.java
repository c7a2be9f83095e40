package io.brokle.config;

import static io.brokle.config.Yaml.HASH_A;
import static io.brokle.config.Yaml.HASH_B;
import static io.brokle.config.Yaml.MINIMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Valid files and the records and defaults they turn into. */
class SnapshotCodecTest {
    private static final String FULL = """
            server:
              host: 0.0.0.0
              port: 9090
              maxBodyBytes: 16MiB
              maxHeaderBytes: 64KiB
              requestReadTimeout: 15s
              idleTimeout: 2m
              shutdownGrace: PT45S
              dataDir: /var/lib/brokle
            auth:
              keyPepper: ${BROKLE_PEPPER}
            providers:
              - name: local-mock
                kind: mock
                timeouts:
                  connect: 250ms
                  firstByte: 5s
                  idle: 1s
                  total: 1m
                mock:
                  latency: 20ms
                  chunkDelay: 5ms
                  chunks: 4
                  chunkChars: 10
                  embeddingDimensions: 8
              - name: openai
                kind: openai
                baseUrl: https://api.openai.com/v1/
                apiKey: ${OPENAI_API_KEY}
              - name: azure-eu
                kind: azure
                baseUrl: https://brokle-eu.openai.azure.com
                apiKey: ${AZURE_API_KEY}
                apiVersion: "2024-10-21"
                timeouts:
                  total: 5m
            deployments:
              - name: gpt-4o-openai
                provider: openai
                model: gpt-4o
                weight: 3
              - name: gpt-4o-eu
                provider: azure-eu
                model: gpt4o-prod
                weight: 1
              - name: mock-chat
                provider: local-mock
                model: mock-1
            routes:
              - model: gpt-4o
                deployments: [gpt-4o-openai, gpt-4o-eu]
              - model: mock
                deployments:
                  - mock-chat
            keys:
              - id: key-search-prod
                hash: %s
                tenant: acme/search/prod
                models: [gpt-4o, mock]
                expiresAt: 2027-01-31T00:00:00Z
              - id: key-dev
                hash: %s
                tenant: acme/search/dev
                revoked: true
            """.formatted(HASH_A, HASH_B);

    private static final Map<String, String> FULL_ENV = Map.of(
            "BROKLE_PEPPER", "pepper-0123456789abcdef",
            "OPENAI_API_KEY", "sk-openai-secret",
            "AZURE_API_KEY", "azure-secret");

    @Test
    void fullFileParsesIntoTheExpectedServerSettings() {
        GatewayConfig config = Yaml.parse(FULL, FULL_ENV);

        assertEquals(new ServerSettings("0.0.0.0", 9090, 16 * 1024 * 1024, 64 * 1024, Duration.ofSeconds(15),
                Duration.ofMinutes(2), Duration.ofSeconds(45), Path.of("/var/lib/brokle")), config.server());
        assertEquals("pepper-0123456789abcdef", config.keyPepper());
        assertEquals(0, config.snapshot().version());
    }

    @Test
    void fullFileParsesIntoTheExpectedProviders() {
        GatewaySnapshot snapshot = Yaml.parse(FULL, FULL_ENV).snapshot();

        assertEquals(Set.of("local-mock", "openai", "azure-eu"), snapshot.providers().keySet());
        assertEquals(new Provider("local-mock", ProviderKind.MOCK, null, null, null, true,
                        new UpstreamTimeouts(Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(1),
                                Duration.ofMinutes(1)),
                        new MockOptions(Duration.ofMillis(20), Duration.ofMillis(5), 4, 10, 8)),
                snapshot.providers().get("local-mock"));
        assertEquals(new Provider("openai", ProviderKind.OPENAI, URI.create("https://api.openai.com/v1"),
                        "sk-openai-secret", null, true, UpstreamTimeouts.DEFAULTS, null),
                snapshot.providers().get("openai"));
        assertEquals(new Provider("azure-eu", ProviderKind.AZURE, URI.create("https://brokle-eu.openai.azure.com"),
                        "azure-secret", "2024-10-21", true,
                        new UpstreamTimeouts(UpstreamTimeouts.DEFAULT_CONNECT, UpstreamTimeouts.DEFAULT_FIRST_BYTE,
                                UpstreamTimeouts.DEFAULT_IDLE, Duration.ofMinutes(5)), null),
                snapshot.providers().get("azure-eu"));
    }

    @Test
    void fullFileParsesIntoTheExpectedDeploymentsAndRoutes() {
        GatewaySnapshot snapshot = Yaml.parse(FULL, FULL_ENV).snapshot();

        assertEquals(Map.of(
                "gpt-4o-openai", new Deployment("gpt-4o-openai", "openai", "gpt-4o", 3),
                "gpt-4o-eu", new Deployment("gpt-4o-eu", "azure-eu", "gpt4o-prod", 1),
                "mock-chat", new Deployment("mock-chat", "local-mock", "mock-1", Deployment.DEFAULT_WEIGHT)),
                snapshot.deployments());
        assertEquals(Map.of(
                "gpt-4o", new Route("gpt-4o", List.of("gpt-4o-openai", "gpt-4o-eu")),
                "mock", new Route("mock", List.of("mock-chat"))), snapshot.routes());
        assertEquals(List.of("gpt-4o-openai", "gpt-4o-eu"), snapshot.route("gpt-4o").orElseThrow().deployments(),
                "a route keeps its deployments in file order");
        assertEquals(List.of("gpt-4o", "mock"), snapshot.servableModels());
    }

    @Test
    void fullFileParsesIntoTheExpectedKeys() {
        GatewaySnapshot snapshot = Yaml.parse(FULL, FULL_ENV).snapshot();

        assertEquals(new VirtualKey("key-search-prod", HASH_A, new TenantPath("acme", "search", "prod"),
                        Set.of("gpt-4o", "mock"), Instant.parse("2027-01-31T00:00:00Z"), false),
                snapshot.keyByHash(HASH_A).orElseThrow());
        assertEquals(new VirtualKey("key-dev", HASH_B, new TenantPath("acme", "search", "dev"), Set.of(), null, true),
                snapshot.keyByHash(HASH_B).orElseThrow());
        assertEquals("acme/search/prod", snapshot.keyByHash(HASH_A).orElseThrow().tenant().toString());
    }

    @Test
    void absentSectionsTakeTheirDefaults() {
        GatewayConfig config = Yaml.parse(MINIMAL);

        assertEquals(ServerSettings.DEFAULTS, config.server());
        assertEquals("127.0.0.1", config.server().host());
        assertEquals(8080, config.server().port());
        assertEquals(32 * 1024 * 1024, config.server().maxBodyBytes());
        assertEquals(32 * 1024, config.server().maxHeaderBytes());
        assertEquals(Path.of("data"), config.server().dataDir());
        assertNull(config.keyPepper());
        Provider local = config.snapshot().providers().get("local");
        assertEquals(UpstreamTimeouts.DEFAULTS, local.timeouts());
        assertEquals(MockOptions.DEFAULTS, local.mock());
        assertTrue(local.enabled());
        assertNull(local.baseUrl());
        assertNull(local.apiKey());
        assertEquals(Deployment.DEFAULT_WEIGHT, config.snapshot().deployments().get("mock-chat").weight());
        assertTrue(config.snapshot().keysByHash().isEmpty());
    }

    @Test
    void partialServerMappingKeepsDefaultsForTheRest() {
        ServerSettings server = Yaml.parse(Yaml.serverWith("port: 0\nhost: \"  \"")).server();

        assertEquals(ServerSettings.DEFAULTS.withPort(0), server);
    }

    @Test
    void nullSectionsAreTreatedAsAbsent() {
        GatewayConfig config = Yaml.parse("server:\nauth:\nkeys:\n" + MINIMAL);

        assertEquals(ServerSettings.DEFAULTS, config.server());
        assertNull(config.keyPepper());
    }

    @Test
    void blankKeyPepperMeansLeaveItToTheDataDirectory() {
        assertNull(Yaml.parse("auth:\n  keyPepper: ${PEPPER:-}\n" + MINIMAL).keyPepper());
    }

    @Test
    void shortKeyPepperIsRejectedWithoutShowingIt() {
        List<String> problems = Yaml.problems("auth:\n  keyPepper: short-pepper\n" + MINIMAL);

        assertEquals(List.of("auth.keyPepper: too short (expected: at least 16 characters)"), problems);
    }

    @Test
    void fileWithOnlyProvidersIsValid() {
        GatewaySnapshot snapshot = Yaml.parse("providers:\n  - name: local\n    kind: mock\n").snapshot();

        assertEquals(Set.of("local"), snapshot.providers().keySet());
        assertTrue(snapshot.routes().isEmpty());
        assertEquals(List.of(), snapshot.servableModels());
    }

    @Test
    void providerKindIsCaseInsensitive() {
        GatewaySnapshot snapshot = Yaml.parse("providers:\n  - name: local\n    kind: \" Mock \"\n").snapshot();

        assertEquals(ProviderKind.MOCK, snapshot.providers().get("local").kind());
    }

    @Test
    void explicitlyDisabledProviderKeepsItsKey() {
        Provider p = Yaml.parse(Yaml.openAiWith("""
                baseUrl: https://api.openai.com/v1
                apiKey: sk-x
                enabled: false""")).snapshot().providers().get("up");

        assertFalse(p.enabled());
        assertEquals("sk-x", p.apiKey());
    }

    @Test
    void openAiCompatibleProviderMayHaveNoApiKey() {
        Provider p = Yaml.parse(Yaml.openAiWith("baseUrl: http://localhost:11434/v1")).snapshot().providers().get("up");

        assertTrue(p.enabled());
        assertNull(p.apiKey());
        assertEquals(URI.create("http://localhost:11434/v1"), p.baseUrl());
        assertEquals(List.of("r"), Yaml.parse(Yaml.openAiWith("baseUrl: http://localhost:11434/v1"))
                .snapshot().servableModels());
    }

    @Test
    void scalarsOfOtherYamlTypesAreReadAsText() {
        GatewayConfig config = Yaml.parse("""
                server:
                  port: "9000"
                  maxBodyBytes: 1048576
                providers:
                  - name: local
                    kind: mock
                    enabled: "TRUE"
                    mock:
                      chunks: 3
                deployments:
                  - name: "123"
                    provider: local
                    model: 4
                    weight: "7"
                routes:
                  - model: r
                    deployments: ["123"]
                """);

        assertEquals(9000, config.server().port());
        assertEquals(1_048_576, config.server().maxBodyBytes());
        assertEquals(3, config.snapshot().providers().get("local").mock().chunks());
        assertEquals(new Deployment("123", "local", "4", 7), config.snapshot().deployments().get("123"));
    }

    @ParameterizedTest(name = "{0} is {1} bytes")
    @CsvSource({
        "1048576, 1048576",
        "1B, 1",
        "64KiB, 65536",
        "32MiB, 33554432",
        "'32 MiB', 33554432",
        "1GiB, 1073741824",
    })
    void sizesAcceptBytesAndBinaryUnits(String text, int expected) {
        assertEquals(expected, Yaml.parse(Yaml.serverWith("maxBodyBytes: \"" + text + "\"")).server().maxBodyBytes());
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "250ms, PT0.25S",
        "30s, PT30S",
        "5m, PT5M",
        "2h, PT2H",
        "1d, PT24H",
        "'10 s', PT10S",
        "PT1S, PT1S",
        "PT1M30S, PT1M30S",
        "P1D, PT24H",
    })
    void durationsAcceptShortUnitsAndIso8601(String text, Duration expected) {
        assertEquals(expected, Yaml.parse(Yaml.serverWith("idleTimeout: \"" + text + "\"")).server().idleTimeout());
    }

    @Test
    void mockDelaysMayBeZero() {
        MockOptions mock = Yaml.parse("""
                providers:
                  - name: local
                    kind: mock
                    mock:
                      latency: 0ms
                      chunkDelay: PT0S
                """).snapshot().providers().get("local").mock();

        assertEquals(Duration.ZERO, mock.latency());
        assertEquals(Duration.ZERO, mock.chunkDelay());
    }

    @ParameterizedTest(name = "{0} becomes {1}")
    @CsvSource({
        "https://api.openai.com/v1/, https://api.openai.com/v1",
        "https://api.openai.com/v1///, https://api.openai.com/v1",
        "https://api.openai.com/, https://api.openai.com",
        "https://api.openai.com, https://api.openai.com",
        "HTTPS://api.openai.com/v1, https://api.openai.com/v1",
        "http://localhost:8000/v1/, http://localhost:8000/v1",
        "'  https://api.groq.com/openai/v1  ', https://api.groq.com/openai/v1",
    })
    void baseUrlIsNormalized(String raw, String expected) {
        URI baseUrl = Yaml.parse(Yaml.openAiWith("baseUrl: \"" + raw + "\"")).snapshot().providers().get("up").baseUrl();

        assertEquals(URI.create(expected), baseUrl);
    }

    @Test
    void keyHashIsTrimmedAndLowerCased() {
        GatewaySnapshot snapshot = Yaml.parse(MINIMAL + """
                keys:
                  - id: k
                    hash: "  %s  "
                    tenant: acme/search/prod
                """.formatted(HASH_A.toUpperCase())).snapshot();

        assertTrue(snapshot.keyByHash(HASH_A).isPresent());
    }

    @ParameterizedTest
    @CsvSource({
        "acme/search/prod, acme, search, prod",
        "a/b/c, a, b, c",
        "Acme.Inc/search_v2/pre-prod, Acme.Inc, search_v2, pre-prod",
        "'  acme/search/prod  ', acme, search, prod",
    })
    void tenantIsSplitIntoOrganizationProjectEnvironment(String text, String org, String project, String env) {
        VirtualKey key = Yaml.parse(MINIMAL + """
                keys:
                  - id: k
                    hash: %s
                    tenant: "%s"
                """.formatted(HASH_A, text)).snapshot().keyByHash(HASH_A).orElseThrow();

        assertEquals(new TenantPath(org, project, env), key.tenant());
    }

    @Test
    void quotedAndUnquotedExpiresAtAreTheSameInstant() {
        String keys = """
                keys:
                  - id: k1
                    hash: %s
                    tenant: a/b/c
                    expiresAt: 2027-01-31T00:00:00Z
                  - id: k2
                    hash: %s
                    tenant: a/b/c
                    expiresAt: "2027-01-31T00:00:00Z"
                """.formatted(HASH_A, HASH_B);
        GatewaySnapshot snapshot = Yaml.parse(MINIMAL + keys).snapshot();

        assertEquals(Instant.parse("2027-01-31T00:00:00Z"), snapshot.keyByHash(HASH_A).orElseThrow().expiresAt());
        assertEquals(Instant.parse("2027-01-31T00:00:00Z"), snapshot.keyByHash(HASH_B).orElseThrow().expiresAt());
    }

    @Test
    void keyModelsMayNameAnyRoute() {
        VirtualKey key = Yaml.parse(MINIMAL + """
                keys:
                  - id: k
                    hash: %s
                    tenant: a/b/c
                    models: [mock]
                """.formatted(HASH_A)).snapshot().keyByHash(HASH_A).orElseThrow();

        assertEquals(Set.of("mock"), key.allowedModels());
        assertTrue(key.allows("mock"));
        assertFalse(key.allows("gpt-4o"));
    }

    @Test
    void parsingTheSameTextTwiceGivesEqualSnapshots() {
        assertEquals(Yaml.parse(FULL, FULL_ENV).snapshot(), Yaml.parse(FULL, FULL_ENV).snapshot());
    }
}
