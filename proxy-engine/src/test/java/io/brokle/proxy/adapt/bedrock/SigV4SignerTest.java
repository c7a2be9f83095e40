package io.brokle.proxy.adapt.bedrock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The signer against vectors of AWS's published Signature Version 4 test suite (credentials
 * {@code AKIDEXAMPLE}, region {@code us-east-1}, service {@code service}, 2015-08-30T12:36:00Z),
 * and a Bedrock-shaped request whose expected values were computed independently (Python's
 * hashlib/hmac over the canonical request written out below by hand).
 */
class SigV4SignerTest {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
    private static final String HOST = "example.amazonaws.com";

    private static String authorization(List<Map.Entry<String, String>> headers) {
        return headers.stream().filter(h -> h.getKey().equals("authorization")).findFirst().orElseThrow().getValue();
    }

    private static SigV4Signer suiteSigner(String token) {
        return new SigV4Signer("us-east-1", "service", "AKIDEXAMPLE", SECRET, token, false);
    }

    @Test
    void getVanilla() {
        var headers = suiteSigner(null).sign("GET", HOST, "/", null, List.of(), new byte[0], SUITE_TIME);

        assertEquals(List.of(Map.entry("x-amz-date", "20150830T123600Z"), Map.entry("authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, "
                        + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")), headers);
    }

    @Test
    void postXWwwFormUrlencodedSignsTheBody() {
        var headers = suiteSigner(null).sign("POST", HOST, "/", null,
                List.of(Map.entry("Content-Type", "application/x-www-form-urlencoded")),
                "Param1=value1".getBytes(StandardCharsets.UTF_8), SUITE_TIME);

        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a", authorization(headers));
    }

    @Test
    void getVanillaWithSessionToken() {
        String token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";
        var headers = suiteSigner(token).sign("GET", HOST, "/", null, List.of(), new byte[0], SUITE_TIME);

        assertEquals(Map.entry("x-amz-security-token", token), headers.get(1));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                + "SignedHeaders=host;x-amz-date;x-amz-security-token, "
                + "Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8", authorization(headers));
    }

    @Test
    void suiteCanonicalRequestAndStringToSign() {
        TreeMap<String, String> headers = new TreeMap<>(Map.of("host", HOST, "x-amz-date", "20150830T123600Z",
                "x-amz-security-token", "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"));
        String canonical = SigV4Signer.canonicalRequest("GET", "/", null, headers,
                "host;x-amz-date;x-amz-security-token", SigV4Signer.EMPTY_PAYLOAD_SHA256);

        assertEquals("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                        + "067b36aa60031588cea4a4cde1f21215227a047690c72247f1d70b32fbbfad2b",
                SigV4Signer.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical));
    }

    @Test
    void queryParametersAreSortedAndEncoded() {
        // get-vanilla-query-order-key-case and get-vanilla-utf8-query of the suite.
        assertEquals("Param1=value1&Param2=value2", SigV4Signer.canonicalQuery("Param2=value2&Param1=value1"));
        assertEquals("%E1%88%B4=bar", SigV4Signer.canonicalQuery("\u1234=bar"));
    }

    @Test
    void aBedrockModelIdIsSignedWithItsPathSegmentEncodedTwice() {
        byte[] body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello\"}]}]}"
                .getBytes(StandardCharsets.UTF_8);
        SigV4Signer signer = new SigV4Signer("us-east-1", "bedrock", "AKIDEXAMPLE", SECRET, "IQoJb3JpZ2luX2VjEXAMPLE",
                false);

        var headers = signer.sign("POST", "bedrock-runtime.us-east-1.amazonaws.com",
                "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse", null, List.of(), body,
                Instant.parse("2024-08-15T09:30:00Z"));

        assertEquals("/model/anthropic.claude-3-5-sonnet-20240620-v1%253A0/converse",
                SigV4Signer.canonicalUri("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse"));
        assertEquals(List.of(Map.entry("x-amz-date", "20240815T093000Z"),
                Map.entry("x-amz-security-token", "IQoJb3JpZ2luX2VjEXAMPLE"),
                Map.entry("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240815/us-east-1/bedrock/"
                        + "aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, "
                        + "Signature=e61b980ec9354b7ab5e85f31f6237d52e443e1a20bb7874cb2f73b5551fd7e56")), headers);
    }

    @Test
    void theContentHashHeaderIsAddedAndSignedWhenAskedFor() {
        var headers = new SigV4Signer("us-east-1", "bedrock", "AKIDEXAMPLE", SECRET, null, true)
                .sign("POST", HOST, "/", null, List.of(), new byte[0], SUITE_TIME);

        assertEquals(Map.entry("x-amz-content-sha256", SigV4Signer.EMPTY_PAYLOAD_SHA256), headers.get(1));
        assertEquals(true, authorization(headers).contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date,"));
    }

    @Test
    void theSecretIsNotShown() {
        assertFalse(suiteSigner("token-xyz").toString().contains(SECRET));
        assertFalse(suiteSigner("token-xyz").toString().contains("token-xyz"));
    }
}
