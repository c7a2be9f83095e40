package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code deployments[].price} and {@code providers[].priceFamily} in the gateway file. */
class PriceConfigTest {

    private static BigDecimal usd(String value) {
        return new BigDecimal(value);
    }

    /** One openai provider {@code up} and deployment {@code d} with {@code deploymentLines} added. */
    private static String deploymentWith(String deploymentLines) {
        return """
                providers:
                  - name: up
                    kind: openai
                    baseUrl: https://api.openai.com/v1
                deployments:
                  - name: d
                    provider: up
                    model: gpt-4o
                %s
                routes:
                  - model: r
                    deployments: [d]
                """.formatted(deploymentLines.indent(4).stripTrailing());
    }

    private static Deployment deployment(String yaml) {
        return Yaml.parse(yaml).snapshot().deployments().get("d");
    }

    private static void assertHasProblem(List<String> problems, String expected) {
        assertTrue(problems.contains(expected), () -> "expected problem\n  " + expected + "\nin\n  "
                + String.join("\n  ", problems));
    }

    // --- deployments[].price ---

    @Test
    void aDeploymentsFullPriceIsRead() {
        Deployment d = deployment(deploymentWith("""
                price: {input: 2.50, cachedInput: 1.25, cacheWrite: 3.75, output: 10, reasoning: 10}"""));

        assertEquals(new Price(usd("2.5"), usd("1.25"), usd("3.75"), usd("10"), usd("10"), null), d.price());
    }

    @Test
    void aPriceNeedsOnlyInputAndOutput() {
        Deployment d = deployment(deploymentWith("""
                price:
                  input: 0.075
                  output: "0.3\""""));

        assertEquals(Price.of(usd("0.075"), usd("0.3")), d.price());
        assertNull(d.price().cachedInput());
        assertEquals(usd("0.3"), d.price().effectiveReasoning());
    }

    @Test
    void aPriceMayComeFromTheEnvironment() {
        Deployment d = Yaml.parse(deploymentWith("price: {input: '${IN}', output: '${OUT:-4}'}"),
                Map.of("IN", "1.5")).snapshot().deployments().get("d");

        assertEquals(Price.of(usd("1.5"), usd("4")), d.price());
    }

    @Test
    void withoutAPriceTheDeploymentHasNone() {
        Deployment d = deployment(deploymentWith(""));

        assertNull(d.price());
        assertEquals(new Deployment("d", "up", "gpt-4o", 1), d);
    }

    @Test
    void priceMistakesAreAllReportedWithTheirPaths() {
        List<String> problems = Yaml.problems(deploymentWith("""
                price:
                  input: -1
                  cachedInput: lots
                  cacheWrite: 2000000
                  reasoning: 0.000000000001
                  inptu: 3
                  effectiveFrom: 2025-01-01"""));

        assertEquals(List.of(
                "deployments[0].price.inptu: unknown field (expected one of: input, cachedInput, cacheWrite, output,"
                        + " reasoning)",
                "deployments[0].price.effectiveFrom: unknown field (expected one of: input, cachedInput, cacheWrite,"
                        + " output, reasoning)",
                "deployments[0].price.input: -1 (expected: >= 0, USD per 1M tokens)",
                "deployments[0].price.cachedInput: \"lots\" (expected: a number)",
                "deployments[0].price.cacheWrite: 2000000 (expected: at most 1000000 USD per 1M tokens)",
                "deployments[0].price.output: missing (required, USD per 1M tokens)",
                "deployments[0].price.reasoning: 0.000000000001 (expected: at most 10 decimal places)"),
                problems);
    }

    @Test
    void aPriceThatIsNotAMappingIsReported() {
        assertEquals(List.of("deployments[0].price: \"2.5\" (expected: a mapping)"),
                Yaml.problems(deploymentWith("price: 2.5")));
    }

    @Test
    void notANumberIsReportedForEveryKindOfNonNumber() {
        List<String> problems = Yaml.problems(deploymentWith("""
                price: {input: NaN, output: true, reasoning: [1]}"""));

        assertHasProblem(problems, "deployments[0].price.input: \"NaN\" (expected: a number)");
        assertHasProblem(problems, "deployments[0].price.output: \"true\" (expected: a number)");
        assertHasProblem(problems, "deployments[0].price.reasoning: a list (expected: a string)");
    }

    @Test
    void aBadPriceIsReportedAlongsideOtherMistakes() {
        List<String> problems = Yaml.problems("""
                providers:
                  - name: up
                    kind: openai
                    baseUrl: https://api.openai.com/v1
                deployments:
                  - name: a
                    provider: up
                    model: gpt-4o
                    price: {input: 1, output: -2}
                  - name: b
                    provider: nowhere
                    model: gpt-4o
                    price: {input: 1}
                routes:
                  - model: r
                    deployments: [a, b]
                """);

        assertEquals(List.of(
                "deployments[0].price.output: -2 (expected: >= 0, USD per 1M tokens)",
                "deployments[1].price.output: missing (required, USD per 1M tokens)",
                "deployments[1].provider: unknown provider \"nowhere\" (known: up)"), problems);
    }

    // --- providers[].priceFamily ---

    @Test
    void aProviderMayNameItsPriceFamily() {
        GatewaySnapshot s = Yaml.parse(Yaml.openAiWith("""
                baseUrl: https://llm-gateway.internal/v1
                priceFamily: Anthropic""")).snapshot();

        Provider up = s.providers().get("up");
        assertEquals("anthropic", up.priceFamily());
        assertEquals("anthropic", PriceTable.familyOf(up));
        assertTrue(up.toString().contains("priceFamily=anthropic"), up::toString);
    }

    @Test
    void withoutAPriceFamilyTheProviderHasNone() {
        Provider up = Yaml.parse(Yaml.openAiWith("baseUrl: https://api.groq.com/openai/v1")).snapshot()
                .providers().get("up");

        assertNull(up.priceFamily());
        assertEquals("groq", PriceTable.familyOf(up));
    }

    @Test
    void aMockProviderMayBorrowAFamily() {
        GatewaySnapshot s = Yaml.parse(Yaml.MINIMAL.replace("kind: mock", "kind: mock\n    priceFamily: openai"))
                .snapshot();

        assertEquals("openai", s.providers().get("local").priceFamily());
    }

    @Test
    void anUnknownPriceFamilyIsReported() {
        assertEquals(List.of("providers[0].priceFamily: unknown price family \"antrhopic\" (known: anthropic, azure,"
                        + " bedrock, cohere, deepseek, google, groq, mistral, openai)"),
                Yaml.problems(Yaml.openAiWith("""
                        baseUrl: https://api.anthropic.com/v1
                        priceFamily: antrhopic""")));
    }
}
