package io.brokle.proxy.adapt.cohere;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.adapt.TranslatedError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CohereErrorsTest {
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "400, 400, invalid_request_error, null",
            "401, 401, authentication_error, invalid_api_key",
            "402, 402, billing_error, insufficient_quota",
            "403, 403, permission_error, permission_denied",
            "404, 404, invalid_request_error, not_found",
            "422, 422, invalid_request_error, null",
            "429, 429, rate_limit_error, rate_limit_exceeded",
            "498, 401, authentication_error, invalid_api_key",
            "499, 502, upstream_error, request_cancelled",
            "500, 500, server_error, null",
            "501, 501, server_error, null",
            "503, 503, server_error, overloaded",
            "504, 504, timeout_error, upstream_timeout"})
    void eachCohereStatusHasAnOpenAiAnswerKeepingCoheresMessage(int status, int openAiStatus, String type, String code) {
        TranslatedError error = CohereErrors.toOpenAi(status, "{\"id\":\"5d5d1b7e-1c9a\",\"message\":\"what went wrong\"}");

        assertEquals(openAiStatus, error.status());
        JsonNode e = error.body().get("error");
        assertEquals("what went wrong", e.get("message").asText());
        assertEquals(type, e.get("type").asText());
        assertEquals(code, e.get("code").isNull() ? null : e.get("code").asText());
        assertTrue(e.get("param").isNull());
    }

    @Test
    void theIdIsOptional() {
        assertEquals("bad", CohereErrors.toOpenAi(400, "{\"message\":\"bad\"}").body().get("error").get("message").asText());
    }

    @Test
    void tooManyTokensIsAContextLengthErrorSoRoutesFallBack() {
        TranslatedError error = CohereErrors.toOpenAi(400, "{\"id\":\"x\",\"message\":\"too many tokens: total number "
                + "of tokens in the prompt cannot exceed 128000 - received 130221. Try using a shorter prompt\"}");

        assertEquals(400, error.status());
        assertEquals("context_length_exceeded", error.body().get("error").get("code").asText());
    }

    @Test
    void aBodyThatIsNotACohereErrorIsA502Malformed() {
        TranslatedError error = CohereErrors.toOpenAi(503, "<html><body>Service Unavailable</body></html>");

        assertEquals(502, error.status());
        assertEquals("upstream_malformed", error.body().get("error").get("code").asText());
    }
}
