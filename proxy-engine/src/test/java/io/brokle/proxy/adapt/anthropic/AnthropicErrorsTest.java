package io.brokle.proxy.adapt.anthropic;

import io.brokle.proxy.adapt.TranslatedError;
import static io.brokle.proxy.testing.TestJson.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokle.proxy.http.ErrorResponses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnthropicErrorsTest {

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "400, invalid_request_error, 400, invalid_request_error, null",
            "401, authentication_error,  401, authentication_error,  invalid_api_key",
            "402, billing_error,         402, billing_error,         insufficient_quota",
            "403, permission_error,      403, permission_error,      permission_denied",
            "404, not_found_error,       404, invalid_request_error, not_found",
            "413, request_too_large,     413, invalid_request_error, request_too_large",
            "429, rate_limit_error,      429, rate_limit_error,      rate_limit_exceeded",
            "500, api_error,             500, server_error,          null",
            "504, timeout_error,         504, timeout_error,         upstream_timeout",
            "529, overloaded_error,      503, overloaded_error,      overloaded"})
    void eachAnthropicErrorTypeHasAnOpenAiAnswer(int status, String anthropicType, int openAiStatus, String openAiType,
                                                 String code) {
        String body = """
                {"type":"error","error":{"type":"%s","message":"Something about %s"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}"""
                .formatted(anthropicType, anthropicType);

        TranslatedError error = AnthropicErrors.toOpenAi(status, body);

        assertEquals(openAiStatus, error.status());
        assertEquals(parse("""
                {"error":{"message":"Something about %s","type":"%s","param":null,"code":%s}}"""
                .formatted(anthropicType, openAiType, code == null ? "null" : "\"" + code + "\"")), error.body());
        assertEquals(error.body(), parse(error.json()));
    }

    @Test
    void anUnknownErrorTypeKeepsTheStatusExcept529() {
        TranslatedError teapot = AnthropicErrors.toOpenAi(418, """
                {"type":"error","error":{"type":"teapot_error","message":"short and stout"}}""");
        TranslatedError busy = AnthropicErrors.toOpenAi(529, """
                {"type":"error","error":{"type":"new_overload_error","message":"busy"}}""");

        assertEquals(418, teapot.status());
        assertEquals(parse("{\"error\":{\"message\":\"short and stout\",\"type\":\"upstream_error\",\"param\":null,"
                + "\"code\":\"teapot_error\"}}"), teapot.body());
        assertEquals(503, busy.status());
    }

    @Test
    void aBodyThatIsNotAnAnthropicErrorIs502UpstreamMalformed() {
        TranslatedError html = AnthropicErrors.toOpenAi(503, "<html><body>Service Unavailable</body></html>");
        TranslatedError openAiShaped = AnthropicErrors.toOpenAi(400, "{\"error\":{\"message\":\"x\"}}");

        assertEquals(502, html.status());
        assertEquals("upstream_malformed", html.body().get("error").get("code").asText());
        assertEquals("upstream_error", html.body().get("error").get("type").asText());
        assertEquals(502, openAiShaped.status());
    }

    @Test
    void aStreamErrorEventBecomesTheTerminalOpenAiError() {
        assertEquals(parse("{\"error\":{\"message\":\"Rate limited\",\"type\":\"rate_limit_error\",\"param\":null,"
                        + "\"code\":\"rate_limit_exceeded\"}}"),
                AnthropicErrors.streamErrorToOpenAi(parse("""
                        {"type":"error","error":{"type":"rate_limit_error","message":"Rate limited"}}""")));
        assertEquals("upstream_malformed",
                AnthropicErrors.streamErrorToOpenAi(parse("{\"type\":\"error\"}")).get("error").get("code").asText());
    }

    @ParameterizedTest
    @CsvSource({
            "400, invalid_request_error",
            "401, authentication_error",
            "402, billing_error",
            "403, permission_error",
            "404, not_found_error",
            "405, invalid_request_error",
            "413, request_too_large",
            "429, rate_limit_error",
            "500, api_error",
            "502, api_error",
            "503, overloaded_error",
            "504, timeout_error"})
    void openAiErrorsBecomeAnthropicErrorsByStatus(int status, String anthropicType) {
        TranslatedError error = AnthropicErrors.toAnthropic(status,
                ErrorResponses.json("It went wrong.", "some_type", null, null));

        assertEquals(status, error.status());
        assertEquals(parse("""
                {"type":"error","error":{"type":"%s","message":"It went wrong."}}""".formatted(anthropicType)),
                error.body());
    }

    @Test
    void theGatewaysOwnErrorsAndUnreadableBodiesBecomeAnthropicErrors() {
        TranslatedError overloaded = AnthropicErrors.toAnthropic(503,
                ErrorResponses.json("Overloaded", "overloaded_error", null, "overloaded"));
        TranslatedError html = AnthropicErrors.toAnthropic(502, "<html>Bad Gateway</html>");

        assertEquals("overloaded_error", overloaded.body().get("error").get("type").asText());
        assertEquals(parse("{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"The provider answered 502.\"}}"),
                html.body());
    }

    @Test
    void anOpenAiStreamErrorBecomesAnAnthropicErrorEvent() {
        assertEquals(parse("{\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"slow\"}}"),
                AnthropicErrors.streamErrorToAnthropic(parse(ErrorResponses.json("slow", "upstream_error", null,
                        "upstream_timeout"))));
        assertEquals(parse("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"limit\"}}"),
                AnthropicErrors.streamErrorToAnthropic(parse(ErrorResponses.json("limit", "requests", null,
                        "rate_limit_exceeded"))));
        assertEquals("api_error", AnthropicErrors.streamErrorToAnthropic(parse("{\"error\":\"x\"}"))
                .get("error").get("type").asText());
    }

    @Test
    void promptTooLongIsAContextLengthErrorSoRoutesCanFallBack() {
        TranslatedError error = AnthropicErrors.toOpenAi(400, """
                {"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}""");

        assertEquals(400, error.status());
        assertEquals("context_length_exceeded", error.body().path("error").path("code").asText());
    }
}
