package io.brokle.proxy.upstream;

import java.time.Duration;

/**
 * An attempt that failed before anything reached the client, as its relay reports it.
 *
 * @param status     the status the client would get
 * @param result     the relay's result label (e.g. {@code upstream_unavailable})
 * @param sent       whether the request was written to the provider
 * @param answered   whether the provider itself answered with an HTTP error
 * @param errorCode  the provider's {@code error.code}, or {@code null}
 * @param retryAfter the provider's {@code Retry-After}, or {@code null}
 */
public record AttemptFailure(int status, String result, boolean sent, boolean answered, String errorCode,
                             Duration retryAfter) {
}
