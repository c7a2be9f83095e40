package io.brokle.proxy.route;

import java.util.Set;

/**
 * Whether a failed attempt may be tried again, and where. The rule follows what is safe: a
 * request the provider never received (connect refused or timed out) or explicitly declined
 * (429, 5xx answered before any byte reached the client) is retried; a request that may have
 * been processed (timeout or cut connection after it was sent) is not, since a second copy
 * could be billed twice; a client error is final, except the errors another model may not
 * have (context window exceeded, content policy), which move on to the fallback routes.
 */
public final class RetryRule {
    /** What to do after a failed attempt. */
    public enum Decision { RETRY, NEXT_ROUTE, GIVE_UP }

    /** OpenAI error codes that another route's model may not hit. */
    static final Set<String> FALLBACK_CODES = Set.of("context_length_exceeded", "content_policy_violation",
            "content_filter", "string_above_max_length");
    static final Set<Integer> RETRYABLE_STATUSES = Set.of(429, 500, 502, 503, 504, 529);

    private RetryRule() {
    }

    /**
     * @param status      the status the attempt would answer with
     * @param result      the relay's result label
     * @param sent        whether the request was written to the provider
     * @param answered    whether the provider itself answered (an HTTP response came back)
     * @param errorCode   the provider's {@code error.code}, or {@code null}
     */
    public static Decision decide(int status, String result, boolean sent, boolean answered, String errorCode) {
        if (answered) {
            if (RETRYABLE_STATUSES.contains(status)) {
                return Decision.RETRY;
            }
            return status >= 400 && status < 500 && errorCode != null && FALLBACK_CODES.contains(errorCode)
                    ? Decision.NEXT_ROUTE : Decision.GIVE_UP;
        }
        return !sent && result.equals("upstream_unavailable") ? Decision.RETRY : Decision.GIVE_UP;
    }
}
