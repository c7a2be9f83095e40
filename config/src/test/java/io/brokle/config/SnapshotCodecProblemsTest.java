package io.brokle.config;

import static io.brokle.config.Yaml.HASH_A;
import static io.brokle.config.Yaml.MINIMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Files the codec must refuse, and what it says about each mistake. */
class SnapshotCodecProblemsTest {

    private static void assertHasProblem(List<String> problems, String expected) {
        assertTrue(problems.contains(expected), () -> "expected problem\n  " + expected + "\nin\n  "
                + String.join("\n  ", problems));
    }

    private static void assertHasProblemStartingWith(List<String> problems, String prefix) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(prefix)), () -> "expected a problem starting with\n  "
                + prefix + "\nin\n  " + String.join("\n  ", problems));
    }

    // --- every problem at once ---

    @Test
    void fileWithManyDifferentMistakesReportsAllOfThemAtOnce() {
        List<String> problems = Yaml.problems("""
                server:
                  port: 70000
                providers:
                  - name: p
                    kind: mock
                    colour: blue
                    timeouts:
                      connect: 5 parsecs
                deployments:
                  - name: d
                    provider: y
                    model: m
                routes:
                  - model: r
                    deployments: [d, x]
                """);

        assertHasProblem(problems, "server.port: 70000 (expected: 0..65535)");
        assertHasProblemStartingWith(problems, "providers[0].colour: unknown field (expected one of: ");
        assertHasProblem(problems,
                "providers[0].timeouts.connect: \"5 parsecs\" (expected: a duration like 500ms, 30s, 5m, 1h)");
        assertHasProblem(problems, "deployments[0].provider: unknown provider \"y\" (known: p)");
        assertHasProblem(problems, "routes[0].deployments[1]: unknown deployment \"x\" (known: d)");
        assertEquals(5, problems.size(), problems::toString);
    }

    @Test
    void fieldMistakesAreAllReportedAtOnceInFileOrder() {
        List<String> problems = Yaml.problems("""
                server:
                  port: eighty
                  idleTimeout: 5 parsecs
                  maxBodyBytes: 32 MB
                providers:
                  - name: p
                    kind: mock
                    colour: blue
                    mock:
                      chunks: 0
                deployments:
                  - name: d
                    provider: p
                    weight: -1
                routes:
                  - model: r
                """);

        assertEquals(List.of(
                "server.port: \"eighty\" (expected: a whole number)",
                "server.maxBodyBytes: \"32 MB\" (expected: bytes, or a size like 64KiB, 32MiB, 1GiB)",
                "server.idleTimeout: \"5 parsecs\" (expected: a duration like 500ms, 30s, 5m, 1h)",
                "providers[0].colour: unknown field (expected one of: name, kind, preset, baseUrl, apiKey, apiVersion, "
                        + "enabled, timeouts, mock, priceFamily, region, accessKeyId, secretAccessKey, sessionToken)",
                "providers[0].mock.chunks: 0 (expected: 1..100000)",
                "deployments[0].model: missing (required)",
                "deployments[0].weight: -1 (expected: 0..1000000)",
                "routes[0].deployments: missing or empty (expected: at least one deployment name)"), problems);
    }

    @Test
    void exceptionMessageListsEveryProblem() {
        ConfigException e = Yaml.failure("server:\n  port: 70000\n  idleTimeout: 5 parsecs\n");

        assertEquals("invalid configuration, 2 problems:\n"
                + "  - server.port: 70000 (expected: 0..65535)\n"
                + "  - server.idleTimeout: \"5 parsecs\" (expected: a duration like 500ms, 30s, 5m, 1h)",
                e.getMessage());
    }

    // --- the file as a whole ---

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n", "# only a comment\n", "---\n", "~\n", "null\n"})
    void emptyFileIsOneClearProblem(String yaml) {
        assertEquals(List.of("the file is empty (expected: a mapping with providers, deployments, routes)"),
                Yaml.problems(yaml));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]\n", "- providers\n", "just text\n", "42\n"})
    void fileThatIsNotAMappingIsRejected(String yaml) {
        assertEquals(List.of("the file is not a mapping (expected: server, auth, providers, deployments, routes, keys)"),
                Yaml.problems(yaml));
    }

    @Test
    void invalidYamlReportsLineAndColumn() {
        List<String> problems = Yaml.problems("server:\n  port: 8080\nproviders: a: b\n");

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("not valid YAML at line 3, column 13: "), problems.get(0));
    }

    @Test
    void badIndentationReportsWhereItWasFound() {
        List<String> problems = Yaml.problems("providers:\n  - name: a\n   kind: mock\n");

        assertTrue(problems.get(0).startsWith("not valid YAML at line 3, column 4: "), problems.get(0));
    }

    @Test
    void unclosedFlowSequenceIsInvalidYaml() {
        List<String> problems = Yaml.problems("routes:\n  - model: r\n    deployments: [a, b\n");

        assertTrue(problems.get(0).startsWith("not valid YAML at line "), problems.get(0));
    }

    @Test
    void repeatedKeyIsInvalidYamlWithItsLocation() {
        List<String> problems = Yaml.problems("server:\n  port: 8080\n  port: 9090\n" + MINIMAL);

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("not valid YAML at line 3, column "), problems.get(0));
        assertTrue(problems.get(0).contains("'port'"), problems.get(0));
    }

    // --- unknown fields ---

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "version: 3|version: unknown field (expected one of: server, auth, providers, deployments, routes, keys)",
        "server:\\n  prot: 80|server.prot: unknown field (expected one of: host, port, maxBodyBytes, maxHeaderBytes, "
                + "requestReadTimeout, idleTimeout, shutdownGrace, dataDir, maxInFlight)",
        "auth:\\n  pepper: x|auth.pepper: unknown field (expected one of: keyPepper)",
    })
    void unknownTopLevelAndServerFieldsAreReportedWithTheirPath(String prefix, String expected) {
        assertHasProblem(Yaml.problems(prefix.replace("\\n", "\n") + "\n" + MINIMAL), expected);
    }

    @Test
    void unknownFieldsDeepInListsAreReportedWithTheirPath() {
        List<String> problems = Yaml.problems("""
                providers:
                  - name: local
                    kind: mock
                    timeouts:
                      conect: 1s
                    mock:
                      latncy: 1ms
                deployments:
                  - name: d
                    provider: local
                    model: m
                    wieght: 2
                routes:
                  - model: r
                    deployments: [d]
                    fallback: [d]
                keys:
                  - id: k
                    hash: %s
                    tenant: a/b/c
                    model: [r]
                """.formatted(HASH_A));

        assertEquals(List.of(
                "providers[0].timeouts.conect: unknown field (expected one of: connect, firstByte, idle, total)",
                "providers[0].mock.latncy: unknown field (expected one of: latency, chunkDelay, chunks, chunkChars, "
                        + "embeddingDimensions)",
                "deployments[0].wieght: unknown field (expected one of: name, provider, model, weight, price, timeouts)",
                "routes[0].fallback: unknown field (expected one of: model, aliases, deployments, strategy, fallbacks, "
                        + "maxAttempts, maxEjectionPercent)",
                "keys[0].model: unknown field (expected one of: id, hash, tenant, models, expiresAt, revoked)"),
                problems);
    }

    // --- wrong shapes ---

    @Test
    void wrongShapesAreReportedWithTheirPath() {
        List<String> problems = Yaml.problems("""
                server: [1, 2]
                providers:
                  - just-a-name
                  - name: local
                    kind: mock
                    timeouts: 5s
                deployments:
                  name: d
                routes:
                  - model: r
                    deployments: d
                """);

        assertEquals(List.of(
                "server: a list (expected: a mapping)",
                "providers[0]: \"just-a-name\" (expected: a mapping)",
                "providers[1].timeouts: \"5s\" (expected: a mapping)",
                "deployments: a mapping (expected: a list)",
                "routes[0].deployments: \"d\" (expected: a list of strings)",
                "routes[0].deployments: missing or empty (expected: at least one deployment name)"), problems);
    }

    @Test
    void nonStringListItemIsReportedWithItsIndex() {
        List<String> problems = Yaml.problems(MINIMAL.replace("[mock-chat]", "[mock-chat, {name: x}]"));

        assertEquals(List.of("routes[0].deployments[1]: a mapping (expected: a string)"), problems);
    }

    @Test
    void nonStringListItemDoesNotShiftTheIndexOfLaterItems() {
        List<String> problems = Yaml.problems(MINIMAL.replace("[mock-chat]", "[{name: x}, mock-chat, gpt-4o-eu]"));

        assertEquals(List.of("routes[0].deployments[0]: a mapping (expected: a string)",
                "routes[0].deployments[2]: unknown deployment \"gpt-4o-eu\" (known: mock-chat)"), problems);
    }

    @Test
    void itemsWithProblemsKeepTheirIndexAndAreNotReportedAgainAsUnknown() {
        // Provider "up" and route "empty" cannot be built, but references to them are not follow-on errors;
        // the unreadable deployments[0] does not shift the index of deployments[1].
        List<String> problems = Yaml.problems("""
                providers:
                  - name: up
                    kind: openai
                    baseUrl: nope
                deployments:
                  - name: d0
                    provider: up
                  - name: d1
                    provider: gone
                    model: m
                routes:
                  - model: empty
                    deployments: []
                  - model: r
                    deployments: [d0, d1]
                keys:
                  - id: k
                    hash: %s
                    tenant: a/b/c
                    models: [empty, r]
                """.formatted(HASH_A));

        assertEquals(List.of(
                "providers[0].baseUrl: \"nope\" (expected: an http:// or https:// URL with a host)",
                "deployments[0].model: missing (required)",
                "routes[0].deployments: missing or empty (expected: at least one deployment name)",
                "deployments[1].provider: unknown provider \"gone\" (known: up)"), problems);
    }

    @Test
    void mappingWhereAStringBelongsIsReported() {
        List<String> problems = Yaml.problems(MINIMAL.replace("model: mock-1", "model: {id: mock-1}"));

        assertEquals(List.of("deployments[0].model: a mapping (expected: a string)"), problems);
    }

    @Test
    void longValuesAreShortenedInMessages() {
        String longText = "x".repeat(100);
        List<String> problems = Yaml.problems("server: " + longText + "\n" + MINIMAL);

        assertEquals(List.of("server: \"" + "x".repeat(60) + "...\" (expected: a mapping)"), problems);
    }

    // --- server values ---

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "port: 70000|server.port: 70000 (expected: 0..65535)",
        "port: -1|server.port: -1 (expected: 0..65535)",
        "port: 80.5|server.port: \"80.5\" (expected: a whole number)",
        "port: 99999999999|server.port: \"99999999999\" (expected: a whole number)",
        "maxBodyBytes: 0|server.maxBodyBytes: 0 (expected: 1 bytes to 2047MiB)",
        "maxBodyBytes: 2GiB|server.maxBodyBytes: 2GiB (expected: 1 bytes to 2047MiB)",
        "maxBodyBytes: 32MB|server.maxBodyBytes: \"32MB\" (expected: bytes, or a size like 64KiB, 32MiB, 1GiB)",
        "maxBodyBytes: 32mib|server.maxBodyBytes: \"32mib\" (expected: bytes, or a size like 64KiB, 32MiB, 1GiB)",
        "maxBodyBytes: -5|server.maxBodyBytes: \"-5\" (expected: bytes, or a size like 64KiB, 32MiB, 1GiB)",
        "maxBodyBytes: 1.5MiB|server.maxBodyBytes: \"1.5MiB\" (expected: bytes, or a size like 64KiB, 32MiB, 1GiB)",
        "maxHeaderBytes: 512|server.maxHeaderBytes: 512 (expected: 1024 bytes to 2047MiB)",
        "idleTimeout: 0s|server.idleTimeout: PT0S (expected: > 0)",
        "shutdownGrace: PT-5S|server.shutdownGrace: PT-5S (expected: > 0)",
        "requestReadTimeout: -5s|server.requestReadTimeout: \"-5s\" (expected: a duration like 500ms, 30s, 5m, 1h)",
        "requestReadTimeout: 1.5s|server.requestReadTimeout: \"1.5s\" (expected: a duration like 500ms, 30s, 5m, 1h)",
        "requestReadTimeout: 30|server.requestReadTimeout: \"30\" (expected: a duration like 500ms, 30s, 5m, 1h)",
        "requestReadTimeout: 5 parsecs|server.requestReadTimeout: \"5 parsecs\" (expected: a duration like 500ms, "
                + "30s, 5m, 1h)",
    })
    void badServerValueIsReportedWithPathValueAndExpectation(String line, String expected) {
        assertEquals(List.of(expected), Yaml.problems(Yaml.serverWith(line)));
    }

    @Test
    void oversizedDurationIsAProblemNotACrash() {
        // "99999999999999999999" does not fit in a long; "9999999999999999d" overflows Duration.
        for (String field : List.of("idleTimeout: 99999999999999999999s", "idleTimeout: 9999999999999999d")) {
            List<String> problems = Yaml.problems(Yaml.serverWith(field));

            assertEquals(1, problems.size(), problems::toString);
            assertTrue(problems.get(0).startsWith("server.idleTimeout: "), problems::toString);
        }
    }

    @Test
    void oversizedDurationInProviderTimeoutsIsAProblemNotACrash() {
        List<String> problems = Yaml.problems("""
                providers:
                  - name: local
                    kind: mock
                    timeouts:
                      connect: 99999999999999999999s
                """);

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("providers[0].timeouts.connect: "), problems::toString);
    }

    @Test
    void sizeThatOverflowsALongIsRejectedNotWrappedAround() {
        // 17179869185 GiB = 2^64 + 2^30 bytes: multiplied in a long it wraps to exactly 1 GiB.
        List<String> problems = Yaml.problems(Yaml.serverWith("maxBodyBytes: 17179869185GiB"));

        assertEquals(List.of("server.maxBodyBytes: 17179869185GiB (expected: 1 bytes to 2047MiB)"), problems);
    }

    @Test
    void sizeWithTooManyDigitsIsReportedAgainstItsField() {
        List<String> problems = Yaml.problems(Yaml.serverWith("maxBodyBytes: 99999999999999999999"));

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("server.maxBodyBytes: "), problems::toString);
    }

    @Test
    void largestSizeIsAccepted() {
        assertEquals(2047 * 1024 * 1024, Yaml.parse(Yaml.serverWith("maxBodyBytes: 2047MiB")).server().maxBodyBytes());
        assertEquals(List.of("server.maxBodyBytes: 2146435073 (expected: 1 bytes to 2047MiB)"),
                Yaml.problems(Yaml.serverWith("maxBodyBytes: 2146435073")));
    }

    @Test
    void durationBeyondTheMaximumIsRejected() {
        // Longer durations would overflow Duration.toNanos() where the proxy schedules its timers.
        assertEquals(List.of("server.idleTimeout: \"100001d\" (expected: at most 100000d)"),
                Yaml.problems(Yaml.serverWith("idleTimeout: 100001d")));
        assertEquals(Duration.ofDays(100_000),
                Yaml.parse(Yaml.serverWith("idleTimeout: 100000d")).server().idleTimeout());
    }

    // --- providers ---

    @Test
    void unknownKindListsTheKnownOnes() {
        assertEquals(List.of("providers[0].kind: unknown kind \"watsonx\" (expected one of: openai, azure, anthropic, gemini, bedrock, mock, cohere)"),
                Yaml.problems("providers:\n  - name: p\n    kind: watsonx\n"));
    }

    @Test
    void providerWithoutNameOrKindIsReported() {
        assertEquals(List.of("providers[0].name: missing (required)", "providers[0].kind: missing (required)"),
                Yaml.problems("providers:\n  - baseUrl: https://x.example\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-leading-dash", "has space", "ümlaut", "semi;colon"})
    void invalidNameIsReportedWithTheName(String name) {
        assertEquals(List.of("providers[0].name: \"" + name
                        + "\" is not a valid name (expected: letters, digits and . _ : / @ -, at most 128)"),
                Yaml.problems("providers:\n  - name: \"" + name + "\"\n    kind: mock\n"));
    }

    @Test
    void nameLongerThan128IsRejected() {
        String ok = "n".repeat(128);
        String tooLong = "n".repeat(129);

        Yaml.parse("providers:\n  - name: " + ok + "\n    kind: mock\n");
        assertEquals(1, Yaml.problems("providers:\n  - name: " + tooLong + "\n    kind: mock\n").size());
    }

    @Test
    void emptyRequiredValueIsReportedAsEmpty() {
        assertEquals(List.of("providers[0].name: empty (required)"),
                Yaml.problems("providers:\n  - name: \"  \"\n    kind: mock\n"));
    }

    @Test
    void azureNeedsApiVersionAndApiKey() {
        List<String> problems = Yaml.problems("""
                providers:
                  - name: az
                    kind: azure
                    baseUrl: https://r.openai.azure.com
                """);

        assertEquals(List.of(
                "providers[0].apiVersion: missing (required for kind azure, e.g. 2024-10-21)",
                "providers[0].apiKey: missing (required for kind azure)"), problems);
    }

    @Test
    void azureWithBlankApiVersionIsRejected() {
        List<String> problems = Yaml.problems("""
                providers:
                  - name: az
                    kind: azure
                    baseUrl: https://r.openai.azure.com
                    apiKey: k
                    apiVersion: ""
                """);

        assertEquals(List.of("providers[0].apiVersion: missing (required for kind azure, e.g. 2024-10-21)"), problems);
    }

    @Test
    void azureWhoseKeyVariableIsUnsetWithDefaultIsDisabledNotRejected() {
        Provider az = Yaml.parse("""
                providers:
                  - name: az
                    kind: azure
                    baseUrl: https://r.openai.azure.com
                    apiKey: ${AZURE_KEY:-}
                    apiVersion: "2024-10-21"
                """).snapshot().providers().get("az");

        assertEquals(false, az.enabled());
        assertEquals(null, az.apiKey());
    }

    @Test
    void openAiRejectsApiVersionAndMockOptions() {
        List<String> problems = Yaml.problems(Yaml.openAiWith("""
                baseUrl: https://api.openai.com/v1
                apiVersion: "2024-10-21"
                mock:
                  chunks: 2"""));

        assertEquals(List.of(
                "providers[0].mock: only for kind mock (remove it)",
                "providers[0].apiVersion: only for kinds azure and anthropic (remove it)"), problems);
    }

    @Test
    void mockRejectsNetworkFields() {
        List<String> problems = Yaml.problems("""
                providers:
                  - name: local
                    kind: mock
                    baseUrl: https://x.example
                    apiKey: k
                    apiVersion: v
                """);

        assertEquals(List.of(
                "providers[0].baseUrl: not used by kind mock (remove it)",
                "providers[0].apiKey: not used by kind mock (remove it)",
                "providers[0].apiVersion: not used by kind mock (remove it)"), problems);
    }

    @Test
    void openAiNeedsBaseUrl() {
        assertEquals(List.of("providers[0].baseUrl: missing (required)"), Yaml.problems(Yaml.openAiWith("apiKey: k")));
    }

    @Test
    void enabledMustBeABoolean() {
        assertEquals(List.of("providers[0].enabled: \"yes please\" (expected: true or false)"),
                Yaml.problems("providers:\n  - name: p\n    kind: mock\n    enabled: yes please\n"));
    }

    @Test
    void zeroTimeoutIsRejected() {
        assertEquals(List.of("providers[0].timeouts.idle: PT0S (expected: > 0)"),
                Yaml.problems("providers:\n  - name: p\n    kind: mock\n    timeouts:\n      idle: 0ms\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "chunks: 100001|providers[0].mock.chunks: 100001 (expected: 1..100000)",
        "chunkChars: 0|providers[0].mock.chunkChars: 0 (expected: 1..1000000)",
        "embeddingDimensions: 65537|providers[0].mock.embeddingDimensions: 65537 (expected: 1..65536)",
        "latency: soon|providers[0].mock.latency: \"soon\" (expected: a duration like 500ms, 30s, 5m, 1h)",
    })
    void badMockOptionIsReported(String line, String expected) {
        assertEquals(List.of(expected),
                Yaml.problems("providers:\n  - name: p\n    kind: mock\n    mock:\n      " + line + "\n"));
    }

    @Test
    void negativeMockLatencyIsAProblemNotACrash() {
        ConfigException e = assertThrows(ConfigException.class, () -> SnapshotCodec.parse(
                "providers:\n  - name: p\n    kind: mock\n    mock:\n      latency: PT-1S\n", name -> null));

        assertEquals(1, e.problems().size(), e.problems()::toString);
        assertTrue(e.problems().get(0).startsWith("providers[0].mock.latency: "), e.problems()::toString);
    }

    @Test
    void negativeMockChunkDelayIsAProblemNotACrash() {
        assertEquals(List.of("providers[0].mock.chunkDelay: PT-0.5S (expected: >= 0)"),
                Yaml.problems("providers:\n  - name: p\n    kind: mock\n    mock:\n      chunkDelay: -PT0.5S\n"));
    }

    @Test
    void zeroMockLatencyIsFine() {
        GatewayConfig config = Yaml.parse("providers:\n  - name: p\n    kind: mock\n    mock:\n      latency: 0ms\n");

        assertEquals(Duration.ZERO, config.snapshot().providers().get("p").mock().latency());
    }

    @Test
    void invalidDataDirIsAProblemWithItsPath() {
        List<String> problems = Yaml.problems(Yaml.serverWith("dataDir: \"a\\0b\""));

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("server.dataDir: "), problems::toString);
    }

    // --- baseUrl ---

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ftp://files.example.com/v1", "file:///etc/passwd", "api.openai.com/v1", "/v1",
        "https:///v1", "ws://x.example/v1"})
    void baseUrlMustBeHttpWithAHost(String raw) {
        assertEquals(List.of("providers[0].baseUrl: \"" + raw
                        + "\" (expected: an http:// or https:// URL with a host)"),
                Yaml.problems(Yaml.openAiWith("baseUrl: \"" + raw + "\"")));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"https://user:pw@api.example.com/v1", "https://user@api.example.com/v1",
        "https://api.example.com/v1?key=abc", "https://api.example.com/v1#frag"})
    void baseUrlMustNotCarryCredentialsQueryOrFragment(String raw) {
        assertEquals(List.of("providers[0].baseUrl: \"https://api.example.com...\" must not carry credentials, "
                        + "a query or a fragment"),
                Yaml.problems(Yaml.openAiWith("baseUrl: \"" + raw + "\"")));
    }

    @Test
    void unparsableBaseUrlIsReported() {
        assertEquals(List.of("providers[0].baseUrl: \"https://api example.com/v1\" is not a URL"),
                Yaml.problems(Yaml.openAiWith("baseUrl: \"https://api example.com/v1\"")));
    }

    // --- deployments and routes ---

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "weight: 1000001|deployments[0].weight: 1000001 (expected: 0..1000000)",
        "weight: -1|deployments[0].weight: -1 (expected: 0..1000000)",
        "weight: 1.5|deployments[0].weight: \"1.5\" (expected: a whole number)",
        "weight: heavy|deployments[0].weight: \"heavy\" (expected: a whole number)",
    })
    void badWeightIsReported(String line, String expected) {
        assertEquals(List.of(expected), Yaml.problems(MINIMAL.replace("model: mock-1", "model: mock-1\n    " + line)));
    }

    @Test
    void routeWithEmptyDeploymentListIsRejected() {
        assertEquals(List.of("routes[0].deployments: missing or empty (expected: at least one deployment name)"),
                Yaml.problems(MINIMAL.replace("[mock-chat]", "[]")));
    }

    @Test
    void routeWithoutModelIsRejected() {
        assertEquals(List.of("routes[0].model: missing (required)"),
                Yaml.problems(MINIMAL.replace("  - model: mock\n", "  -\n")));
    }

    // --- keys ---

    private static String keyWith(String hash, String tenant) {
        return MINIMAL + "keys:\n  - id: k\n    hash: \"" + hash + "\"\n    tenant: \"" + tenant + "\"\n";
    }

    static List<String> badHashes() {
        return List.of("abc", "bk-live-" + "0123456789abcdef".repeat(4), "g".repeat(64), "a".repeat(63),
                "a".repeat(65), "a".repeat(32) + " " + "a".repeat(31), "0x" + "a".repeat(62));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHashes")
    void keyHashMustBe64HexDigitsAndIsNeverEchoed(String hash) {
        List<String> problems = Yaml.problems(keyWith(hash, "a/b/c"));

        assertEquals(List.of("keys[0].hash: not a key hash (expected: 64 hex digits, as printed by "
                + "'scripts/run new-key'; never the key itself)"), problems);
    }

    static List<String> badTenants() {
        return List.of("acme/search", "acme", "acme//prod", "acme/search/prod/eu", "/search/prod", "acme/search/",
                "-acme/search/prod", "acme/se arch/prod", "acme/search/prod!",
                "a/b/" + "c".repeat(65));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTenants")
    void tenantMustBeOrganizationProjectEnvironment(String tenant) {
        assertEquals(List.of("keys[0].tenant: \"" + tenant
                        + "\" (expected: organization/project/environment, e.g. acme/search/prod)"),
                Yaml.problems(keyWith(HASH_A, tenant)));
    }

    @Test
    void keyMissingEverythingReportsEachField() {
        assertEquals(List.of("keys[0].id: missing (required)", "keys[0].hash: missing (required)",
                "keys[0].tenant: missing (required)"), Yaml.problems(MINIMAL + "keys:\n  - revoked: false\n"));
    }

    @Test
    void badExpiresAtAndRevokedAreReported() {
        List<String> problems = Yaml.problems(MINIMAL + """
                keys:
                  - id: k
                    hash: %s
                    tenant: a/b/c
                    expiresAt: next tuesday
                    revoked: maybe
                """.formatted(HASH_A));

        assertEquals(List.of(
                "keys[0].expiresAt: \"next tuesday\" (expected: an instant like 2027-01-31T00:00:00Z)",
                "keys[0].revoked: \"maybe\" (expected: true or false)"), problems);
    }

    @Test
    void expiresAtWithoutZoneIsRejected() {
        assertHasProblemStartingWith(Yaml.problems(MINIMAL + """
                keys:
                  - id: k
                    hash: %s
                    tenant: a/b/c
                    expiresAt: "2027-01-31"
                """.formatted(HASH_A)), "keys[0].expiresAt: \"2027-01-31\"");
    }

    @Test
    void anthropicNeedsAnApiKey() {
        assertEquals(List.of("providers[0].apiKey: missing (required for kind anthropic)"),
                Yaml.problems("providers:\n  - {name: p, kind: anthropic, baseUrl: https://api.anthropic.com}\n"));
    }

    @Test
    void anAliasThatIsAlreadyARouteNameOrAnotherAliasIsReportedAtTheAlias() {
        List<String> problems = Yaml.problems("""
                providers:
                  - {name: p, kind: openai, baseUrl: "https://api.example.com/v1"}
                deployments:
                  - {name: d, provider: p, model: m}
                routes:
                  - {model: a, deployments: [d], aliases: [b]}
                  - {model: b, deployments: [d], aliases: [c]}
                  - {model: x, deployments: [d], aliases: [c]}
                """);

        assertEquals(List.of(
                "routes[0].aliases[0]: \"b\" is already the name or an alias of a route (each public name must be unique)",
                "routes[2].aliases[0]: \"c\" is already the name or an alias of a route (each public name must be unique)"),
                problems);
    }
}
