package io.brokle.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Providers of kind {@code bedrock}: region, AWS credentials, the default endpoint, and secrets kept out of sight. */
class BedrockProviderConfigTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN";

    private static String bedrockWith(String providerLines) {
        return """
                providers:
                  - name: aws
                    kind: bedrock
                %s
                deployments:
                  - name: claude-bedrock
                    provider: aws
                    model: anthropic.claude-3-5-sonnet-20240620-v1:0
                routes:
                  - model: claude
                    deployments: [claude-bedrock]
                """.formatted(providerLines.indent(4).stripTrailing());
    }

    private static final Map<String, String> ENV = Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_SESSION_TOKEN", TOKEN);

    @Test
    void regionAndCredentialsAreRead() {
        Provider provider = Yaml.parse(bedrockWith("""
                region: eu-central-1
                accessKeyId: ${AWS_ACCESS_KEY_ID}
                secretAccessKey: ${AWS_SECRET_ACCESS_KEY}
                sessionToken: ${AWS_SESSION_TOKEN:-}"""), ENV).snapshot().providers().get("aws");

        assertEquals(ProviderKind.BEDROCK, provider.kind());
        assertEquals(URI.create("https://bedrock-runtime.eu-central-1.amazonaws.com"), provider.baseUrl());
        assertEquals(new AwsSigning("eu-central-1", "AKIDEXAMPLE", SECRET, TOKEN), provider.aws());
        assertTrue(provider.enabled());
        assertNull(provider.apiKey());
        assertEquals("bedrock", PriceTable.familyOf(provider));
    }

    @Test
    void anExplicitBaseUrlWinsOverTheRegionsEndpoint() {
        Provider provider = Yaml.parse(bedrockWith("""
                region: us-west-2
                baseUrl: https://vpce-0123.bedrock-runtime.us-west-2.vpce.amazonaws.com
                accessKeyId: AKIDEXAMPLE
                secretAccessKey: ${AWS_SECRET_ACCESS_KEY}"""), ENV).snapshot().providers().get("aws");

        assertEquals(URI.create("https://vpce-0123.bedrock-runtime.us-west-2.vpce.amazonaws.com"), provider.baseUrl());
        assertEquals("us-west-2", provider.aws().region());
        assertNull(provider.aws().sessionToken());
    }

    @Test
    void unsetCredentialsSwitchTheProviderOff() {
        Provider provider = Yaml.parse(bedrockWith("""
                region: us-east-1
                accessKeyId: ${AWS_ACCESS_KEY_ID:-}
                secretAccessKey: ${AWS_SECRET_ACCESS_KEY:-}"""), Map.of()).snapshot().providers().get("aws");

        assertFalse(provider.enabled());
        assertFalse(provider.aws().hasCredentials());
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        List<String> problems = Yaml.problems(bedrockWith("""
                region: moon-base-one
                apiKey: sk-not-for-bedrock
                apiVersion: "2023-06-01\""""));

        assertEquals(List.of(
                "providers[0].apiKey: not used by kind bedrock (remove it; Bedrock requests are signed with region, "
                        + "accessKeyId and secretAccessKey)",
                "providers[0].apiVersion: not used by kind bedrock (remove it; Bedrock requests are signed with "
                        + "region, accessKeyId and secretAccessKey)",
                "providers[0].region: \"moon-base-one\" (expected: an AWS region like us-east-1)",
                "providers[0].accessKeyId: missing (required for kind bedrock, e.g. ${AWS_ACCESS_KEY_ID:-})",
                "providers[0].secretAccessKey: missing (required for kind bedrock, e.g. ${AWS_SECRET_ACCESS_KEY:-})"),
                problems);
    }

    @Test
    void regionIsRequired() {
        assertEquals(List.of("providers[0].region: missing (required)"), Yaml.problems(bedrockWith("""
                accessKeyId: AKIDEXAMPLE
                secretAccessKey: x""")));
    }

    @Test
    void awsFieldsAreOnlyForBedrock() {
        assertEquals(List.of("providers[0].region: only for kind bedrock (remove it)",
                        "providers[0].secretAccessKey: only for kind bedrock (remove it)"),
                Yaml.problems(Yaml.openAiWith("baseUrl: https://api.openai.com/v1\napiKey: k\nregion: us-east-1\n"
                        + "secretAccessKey: " + SECRET)));
    }

    @Test
    void secretsNeverReachAMessageOrToString() {
        ConfigException e = Yaml.failure(bedrockWith("""
                region: us-east-1
                accessKeyId: AKIDEXAMPLE
                secretAccessKey: [%s]
                sessionToken: {t: %s}""".formatted(SECRET, TOKEN)));
        assertTrue(e.problems().contains("providers[0].secretAccessKey: (a secret, not shown) (expected: a string)"),
                e::getMessage);
        assertFalse(e.getMessage().contains(SECRET) || e.getMessage().contains(TOKEN), e::getMessage);

        Provider provider = Yaml.parse(bedrockWith("""
                region: us-east-1
                accessKeyId: ${AWS_ACCESS_KEY_ID}
                secretAccessKey: ${AWS_SECRET_ACCESS_KEY}
                sessionToken: ${AWS_SESSION_TOKEN}"""), ENV).snapshot().providers().get("aws");
        String shown = provider.toString();
        assertFalse(shown.contains(SECRET) || shown.contains(TOKEN) || shown.contains("AKIDEXAMPLE"), shown);
        assertTrue(shown.contains("region=us-east-1") && shown.contains("accessKeyId=AKID..."), shown);
    }

    @Test
    void commonBedrockModelsArePriced() {
        PriceTable table = PriceTable.shipped();
        LocalDate day = LocalDate.of(2026, 1, 1);
        for (String model : List.of("anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-haiku-20240307-v1:0",
                "amazon.nova-pro-v1:0", "amazon.nova-lite-v1:0", "amazon.nova-micro-v1:0",
                "meta.llama3-1-70b-instruct-v1:0", "amazon.titan-embed-text-v2:0")) {
            assertTrue(table.priceFor("bedrock", model, day).isPresent(), model);
        }
    }
}
