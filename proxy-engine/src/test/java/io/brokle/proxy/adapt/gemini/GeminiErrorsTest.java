package io.brokle.proxy.adapt.gemini;

import static io.brokle.proxy.adapt.gemini.GeminiToOpenAiResponseTest.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokle.proxy.adapt.TranslatedError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiErrorsTest {
    private static String google(int code, String status, String message) {
        return "{\"error\":{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":\"" + status + "\"}}";
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", textBlock = """
            400, INVALID_ARGUMENT,    400, invalid_request_error, null
            400, FAILED_PRECONDITION, 400, invalid_request_error, null
            401, UNAUTHENTICATED,     401, authentication_error,  invalid_api_key
            403, PERMISSION_DENIED,   403, permission_error,      permission_denied
            404, NOT_FOUND,           404, invalid_request_error, not_found
            429, RESOURCE_EXHAUSTED,  429, rate_limit_error,      rate_limit_exceeded
            500, INTERNAL,            500, server_error,          null
            503, UNAVAILABLE,         503, server_error,          overloaded
            504, DEADLINE_EXCEEDED,   504, timeout_error,         upstream_timeout
            499, CANCELLED,           499, upstream_error,        cancelled
            """)
    void eachGoogleStatusHasAnOpenAiAnswer(int status, String googleStatus, int openAiStatus, String type, String code) {
        TranslatedError e = GeminiErrors.toOpenAi(status, google(status, googleStatus, "Something happened."));

        assertEquals(openAiStatus, e.status());
        assertEquals(parse("{\"error\":{\"message\":\"Something happened.\",\"type\":\"" + type + "\",\"param\":null,\"code\":"
                + (code == null ? "null" : "\"" + code + "\"") + "}}"), parse(e.json()));
    }

    @Test
    void aPromptLongerThanTheContextWindowIsContextLengthExceededSoRoutesFallBack() {
        TranslatedError e = GeminiErrors.toOpenAi(400, google(400, "INVALID_ARGUMENT",
                "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."));

        assertEquals(400, e.status());
        assertEquals("context_length_exceeded", e.body().at("/error/code").asText());
    }

    @Test
    void googlesInvalidKeyAnswerIsAnAuthenticationError() {
        TranslatedError e = GeminiErrors.toOpenAi(400, """
                [{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
                  "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}]""");

        assertEquals(401, e.status());
        assertEquals("invalid_api_key", e.body().at("/error/code").asText());
    }

    @Test
    void aBodyThatIsNotAGoogleErrorIsMalformed() {
        TranslatedError e = GeminiErrors.toOpenAi(502, "<html>Bad Gateway</html>");

        assertEquals(502, e.status());
        assertEquals("upstream_malformed", e.body().at("/error/code").asText());
    }
}
