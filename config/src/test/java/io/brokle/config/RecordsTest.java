package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The records' own checks, for values built in code rather than read from YAML. */
class RecordsTest {
    private static final Duration ONE_S = Duration.ofSeconds(1);

    private static String rejected(Runnable construct) {
        return assertThrows(IllegalArgumentException.class, construct::run).getMessage();
    }

    @Test
    void defaultsHaveTheDocumentedValues() {
        assertEquals(new UpstreamTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(120), Duration.ofSeconds(30),
                Duration.ofMinutes(10)), UpstreamTimeouts.DEFAULTS);
        assertEquals(new MockOptions(Duration.ZERO, Duration.ZERO, 8, 16, 64), MockOptions.DEFAULTS);
        assertEquals(new ServerSettings("127.0.0.1", 8080, 33_554_432, 32_768, Duration.ofSeconds(30),
                Duration.ofSeconds(60), Duration.ofSeconds(30), Path.of("data")), ServerSettings.DEFAULTS);
        assertEquals(1, Deployment.DEFAULT_WEIGHT);
    }

    @Test
    void upstreamTimeoutsMustBePositive() {
        assertEquals("connect: PT0S (expected: > 0)",
                rejected(() -> new UpstreamTimeouts(Duration.ZERO, ONE_S, ONE_S, ONE_S)));
        assertEquals("total: PT-1S (expected: > 0)",
                rejected(() -> new UpstreamTimeouts(ONE_S, ONE_S, ONE_S, ONE_S.negated())));
        assertThrows(NullPointerException.class, () -> new UpstreamTimeouts(ONE_S, null, ONE_S, ONE_S));
    }

    @Test
    void mockOptionsSayValueAndExpectation() {
        assertEquals("latency: PT-1S (expected: >= 0)",
                rejected(() -> new MockOptions(ONE_S.negated(), Duration.ZERO, 1, 1, 1)));
        assertEquals("chunks: 0 (expected: 1..100000)",
                rejected(() -> new MockOptions(Duration.ZERO, Duration.ZERO, 0, 1, 1)));
        assertEquals("embeddingDimensions: 65537 (expected: 1..65536)",
                rejected(() -> new MockOptions(Duration.ZERO, Duration.ZERO, 1, 1, 65_537)));
    }

    @Test
    void serverSettingsSayValueAndExpectation() {
        assertEquals("port: 65536 (expected: 0..65535)", rejected(() -> ServerSettings.DEFAULTS.withPort(65_536)));
        assertEquals("maxHeaderBytes: 1023 (expected: >= 1024)", rejected(() -> new ServerSettings("h", 1, 1, 1023,
                ONE_S, ONE_S, ONE_S, Path.of("d"))));
        assertEquals("duration: PT0S (expected: > 0)", rejected(() -> new ServerSettings("h", 1, 1, 1024,
                ONE_S, Duration.ZERO, ONE_S, Path.of("d"))));
        assertEquals(Path.of("/tmp/x"), ServerSettings.DEFAULTS.withDataDir(Path.of("/tmp/x")).dataDir());
    }

    @Test
    void deploymentWeightIsBounded() {
        assertEquals("weight: -1 (expected: 0..1000000)", rejected(() -> new Deployment("d", "p", "m", -1)));
        assertEquals(1_000_000, new Deployment("d", "p", "m", 1_000_000).weight());
    }

    @Test
    void routeNeedsADeploymentAndCopiesItsList() {
        assertEquals("route r: no deployments (expected: at least one)", rejected(() -> new Route("r", List.of())));
        List<String> names = new ArrayList<>(List.of("a"));
        Route r = new Route("r", names);
        names.add("b");
        assertEquals(List.of("a"), r.deployments());
    }

    @Test
    void networkProviderNeedsABaseUrlAndMockNeedsOptions() {
        assertThrows(NullPointerException.class, () -> new Provider("p", ProviderKind.OPENAI, null, null, null, true,
                UpstreamTimeouts.DEFAULTS, null));
        assertThrows(NullPointerException.class, () -> new Provider("p", ProviderKind.MOCK, null, null, null, true,
                UpstreamTimeouts.DEFAULTS, null));
        new Provider("p", ProviderKind.AZURE, URI.create("https://x"), "k", "v", true, UpstreamTimeouts.DEFAULTS, null);
    }

    @Test
    void providerKindNamesAreLowerCase() {
        assertEquals("openai, azure, anthropic, gemini, bedrock, mock, cohere", ProviderKind.allYamlNames());
        assertEquals(ProviderKind.AZURE, ProviderKind.fromYaml("AZURE").orElseThrow());
        assertEquals(true, ProviderKind.fromYaml("vertex").isEmpty());
    }

    @Test
    void configExceptionNeedsAProblemAndSummarizesOne() {
        assertEquals("a ConfigException needs at least one problem", rejected(() -> new ConfigException(List.of())));
        ConfigException one = new ConfigException("x: bad");
        assertEquals("invalid configuration: x: bad", one.getMessage());
        assertEquals(List.of("x: bad"), one.problems());
    }
}
