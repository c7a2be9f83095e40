package io.brokle.config;

import static io.brokle.config.Yaml.MINIMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ${ENV}} substitution, on its own and through the codec. */
class EnvSubstitutionTest {
    private final List<String> problems = new ArrayList<>();

    private String apply(String value, Map<String, String> env) {
        return EnvSubstitution.apply(value, env::get, "a.b", problems);
    }

    @Test
    void valueWithoutDollarIsReturnedAsIs() {
        assertEquals("plain text", apply("plain text", Map.of()));
        assertTrue(problems.isEmpty());
    }

    @Test
    void setVariableIsReplaced() {
        assertEquals("sk-123", apply("${KEY}", Map.of("KEY", "sk-123")));
        assertTrue(problems.isEmpty());
    }

    @Test
    void variablesAreReplacedInsideText() {
        assertEquals("https://eu.example.com:8443/v1",
                apply("https://${HOST}:${PORT}/v1", Map.of("HOST", "eu.example.com", "PORT", "8443")));
        assertTrue(problems.isEmpty());
    }

    @Test
    void setVariableWinsOverItsDefault() {
        assertEquals("real", apply("${KEY:-fallback}", Map.of("KEY", "real")));
    }

    @Test
    void setButEmptyVariableIsUsedNotItsDefault() {
        assertEquals("", apply("${KEY:-fallback}", Map.of("KEY", "")));
        assertTrue(problems.isEmpty());
    }

    @Test
    void unsetVariableTakesItsDefault() {
        assertEquals("fallback", apply("${KEY:-fallback}", Map.of()));
        assertTrue(problems.isEmpty());
    }

    @Test
    void defaultMayBeEmptyOrContainColonsAndDashes() {
        assertEquals("", apply("${KEY:-}", Map.of()));
        assertEquals("http://x:1/a-b", apply("${URL:-http://x:1/a-b}", Map.of()));
        assertTrue(problems.isEmpty());
    }

    @Test
    void unsetVariableWithoutDefaultIsAProblemNamingTheVariable() {
        assertEquals("", apply("${OPENAI_API_KEY}", Map.of()));
        assertEquals(List.of("a.b: environment variable OPENAI_API_KEY is not set "
                + "(set it, or write ${OPENAI_API_KEY:-default})"), problems);
    }

    @Test
    void everyUnsetVariableInOneValueIsReported() {
        apply("${A}-${B}", Map.of());

        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).contains(" A is not set"), problems::toString);
        assertTrue(problems.get(1).contains(" B is not set"), problems::toString);
    }

    @Test
    void doubleDollarIsALiteralDollarBrace() {
        assertEquals("${NOT_A_VAR}", apply("$${NOT_A_VAR}", Map.of()));
        assertEquals("cost: $5 and ${x}", apply("cost: $5 and $${x}", Map.of()));
        assertTrue(problems.isEmpty());
    }

    @Test
    void loneDollarSignsStay() {
        assertEquals("pa$$word$", apply("pa$$word$", Map.of()));
        assertTrue(problems.isEmpty());
    }

    @Test
    void substitutedValueIsNotSubstitutedAgain() {
        assertEquals("${OTHER}", apply("${KEY}", Map.of("KEY", "${OTHER}", "OTHER", "nope")));
        assertTrue(problems.isEmpty());
    }

    @Test
    void unclosedReferenceIsAProblem() {
        apply("${KEY", Map.of("KEY", "x"));

        assertEquals(List.of("a.b: unclosed \"${\" (expected: ${NAME} or ${NAME:-default})"), problems);
    }

    @Test
    void invalidVariableNameIsAProblem() {
        apply("${1ABC}", Map.of());
        apply("${}", Map.of());

        assertEquals(List.of("a.b: \"1ABC\" is not an environment variable name",
                "a.b: \"\" is not an environment variable name"), problems);
    }

    @Test
    void invalidVariableNameInASecretIsNotEchoed() {
        EnvSubstitution.apply("Zx9${q w}Kd83", name -> null, "auth.keyPepper", problems, true);

        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("auth.keyPepper: "), problems::toString);
        assertFalse(problems.get(0).contains("q w"), problems::toString);
    }

    @Test
    void codecSubstitutesInEveryScalarKind() {
        GatewayConfig config = Yaml.parse("""
                server:
                  port: ${PORT}
                  idleTimeout: ${IDLE:-90s}
                providers:
                  - name: ${PROVIDER_NAME}
                    kind: ${KIND:-openai}
                    baseUrl: https://${HOST}/v1
                    apiKey: ${KEY}
                deployments:
                  - name: d
                    provider: ${PROVIDER_NAME}
                    model: ${MODEL:-gpt-4o-mini}
                routes:
                  - model: r
                    deployments: ["${DEPLOYMENT}"]
                """, Map.of("PORT", "9001", "PROVIDER_NAME", "openai", "HOST", "api.openai.com",
                "KEY", "sk-1", "DEPLOYMENT", "d"));

        assertEquals(9001, config.server().port());
        assertEquals(java.time.Duration.ofSeconds(90), config.server().idleTimeout());
        Provider p = config.snapshot().providers().get("openai");
        assertEquals(ProviderKind.OPENAI, p.kind());
        assertEquals(URI.create("https://api.openai.com/v1"), p.baseUrl());
        assertEquals("sk-1", p.apiKey());
        assertEquals("gpt-4o-mini", config.snapshot().deployments().get("d").model());
        assertEquals(List.of("d"), config.snapshot().routes().get("r").deployments());
    }

    @Test
    void envValueWithYamlSyntaxStaysAPlainString() {
        String tricky = "a: b\n- c\n{x: [1, 2]}\n# not a comment";
        GatewaySnapshot snapshot = Yaml.parse("""
                providers:
                  - name: local
                    kind: mock
                deployments:
                  - name: d
                    provider: local
                    model: ${MODEL}
                routes:
                  - model: r
                    deployments: [d]
                """, Map.of("MODEL", tricky)).snapshot();

        assertEquals(tricky, snapshot.deployments().get("d").model());
        assertEquals(1, snapshot.deployments().size());
        assertEquals(1, snapshot.routes().size());
    }

    @Test
    void envValueWithDollarBraceIsNotExpandedInTheCodec() {
        GatewaySnapshot snapshot = Yaml.parse(MINIMAL.replace("model: mock-1", "model: ${MODEL}"),
                Map.of("MODEL", "${SECRET}")).snapshot();

        assertEquals("${SECRET}", snapshot.deployments().get("mock-chat").model());
    }

    @Test
    void literalDollarBraceSurvivesTheCodec() {
        GatewaySnapshot snapshot = Yaml.parse(MINIMAL.replace("model: mock-1", "model: \"tpl-$${region}\""))
                .snapshot();

        assertEquals("tpl-${region}", snapshot.deployments().get("mock-chat").model());
    }

    @Test
    void unsetVariableWithoutDefaultIsReportedWithItsPath() {
        List<String> problems = Yaml.problems(Yaml.openAiWith("""
                baseUrl: https://api.openai.com/v1
                apiKey: ${OPENAI_API_KEY}"""));

        assertEquals(List.of("providers[0].apiKey: environment variable OPENAI_API_KEY is not set "
                + "(set it, or write ${OPENAI_API_KEY:-default})"), problems);
    }

    @Test
    void unsetVariableInAListItemIsReportedWithItsIndex() {
        List<String> problems = Yaml.problems(MINIMAL.replace("deployments: [mock-chat]",
                "deployments: [mock-chat, \"${SECOND}\"]"));

        assertTrue(problems.contains("routes[0].deployments[1]: environment variable SECOND is not set "
                + "(set it, or write ${SECOND:-default})"), problems::toString);
    }

    @Test
    void apiKeyResolvingToEmptyDisablesTheProvider() {
        Provider p = Yaml.parse(Yaml.openAiWith("""
                baseUrl: https://api.openai.com/v1
                apiKey: ${OPENAI_API_KEY:-}""")).snapshot().providers().get("up");

        assertFalse(p.enabled());
        assertNull(p.apiKey());
    }

    @Test
    void apiKeySetToBlankInTheEnvironmentDisablesTheProvider() {
        Provider p = Yaml.parse(Yaml.openAiWith("""
                baseUrl: https://api.openai.com/v1
                apiKey: ${OPENAI_API_KEY}"""), Map.of("OPENAI_API_KEY", "   ")).snapshot().providers().get("up");

        assertFalse(p.enabled());
        assertNull(p.apiKey());
    }
}
