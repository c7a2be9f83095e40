package io.brokle.proxy.route;

import static io.brokle.proxy.route.RetryRule.Decision.GIVE_UP;
import static io.brokle.proxy.route.RetryRule.Decision.NEXT_ROUTE;
import static io.brokle.proxy.route.RetryRule.Decision.RETRY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokle.proxy.route.RetryRule.Decision;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The retry table: what the provider never got or explicitly declined is retried, what it may
 * have processed is not, client errors are final except those another model may not have.
 */
class RetryRuleTest {

    static Stream<Arguments> failuresTheProviderNeverAnswered() {
        return Stream.of(
                // status, result, sent, expected, why
                Arguments.of(502, "upstream_unavailable", false, RETRY, "connect refused: never sent"),
                Arguments.of(502, "upstream_unavailable", true, GIVE_UP, "connection reset after the request was sent"),
                Arguments.of(504, "upstream_timeout", true, GIVE_UP, "first-byte timeout after send"),
                Arguments.of(504, "upstream_timeout", false, GIVE_UP, "deadline passed before sending"),
                Arguments.of(502, "upstream_truncated", true, GIVE_UP, "answer cut after send"),
                Arguments.of(502, "upstream_malformed", true, GIVE_UP, "garbage answer: it was processed"));
    }

    @ParameterizedTest(name = "{4}")
    @MethodSource("failuresTheProviderNeverAnswered")
    void failuresWithoutAnAnswerAreRetriedOnlyWhenNothingWasSent(int status, String result, boolean sent,
                                                                 Decision expected, String why) {
        assertEquals(expected, RetryRule.decide(status, result, sent, false, null), why);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {429, 500, 502, 503, 504, 529})
    void answeredThrottlingAndServerErrorsAreRetried(int status) {
        assertEquals(RETRY, RetryRule.decide(status, "upstream_error", true, true, null));
        assertEquals(RETRY, RetryRule.decide(status, "upstream_error", true, true, "rate_limit_exceeded"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {400, 401, 403, 404, 409, 413, 422, 501})
    void otherAnsweredErrorsAreFinal(int status) {
        assertEquals(GIVE_UP, RetryRule.decide(status, "upstream_error", true, true, null));
        assertEquals(GIVE_UP, RetryRule.decide(status, "upstream_error", true, true, "invalid_request_error"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"context_length_exceeded", "content_policy_violation", "content_filter",
            "string_above_max_length"})
    void aClientErrorAnotherModelMayNotHaveMovesToTheNextRoute(String code) {
        assertEquals(NEXT_ROUTE, RetryRule.decide(400, "upstream_error", true, true, code));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {500, 503})
    void aServerErrorIsRetriedWhateverItsCode(int status) {
        assertEquals(RETRY, RetryRule.decide(status, "upstream_error", true, true, "context_length_exceeded"));
    }

    @ParameterizedTest(name = "code \"{0}\"")
    @ValueSource(strings = {"invalid_api_key", "model_not_found", "insufficient_quota", ""})
    void aClientErrorWithAnyOtherCodeIsFinal(String code) {
        assertEquals(GIVE_UP, RetryRule.decide(400, "upstream_error", true, true, code));
    }
}
