package io.brokle.proxy.upstream;

import io.brokle.proxy.sse.Usage;

/**
 * How a relayed request ended.
 *
 * @param status            the HTTP status the client got (499 when the client left first)
 * @param result            {@code ok}, {@code upstream_error} (an error answer passed on),
 *                          {@code upstream_truncated}, {@code upstream_timeout}, {@code upstream_unavailable},
 *                          {@code upstream_malformed} or {@code client_closed}
 * @param usage             tokens the upstream reported, or {@code null}
 * @param upstreamNanos     from request written upstream to answer complete; 0 when never sent
 * @param firstByteNanos    from the start of the relay to the first streamed byte relayed; 0 when none
 * @param headNanos         from the start of the relay to the provider's response head; 0 when none
 * @param retryAfter        the provider's {@code Retry-After}, or {@code null}
 * @param answeredClient    false when the attempt stepped aside for a retry and wrote nothing
 * @param cost              what the usage costs, or {@code null} without usage
 */
public record RelayOutcome(int status, String result, Usage usage, long upstreamNanos, long firstByteNanos,
                           long headNanos, java.time.Duration retryAfter, boolean answeredClient,
                           io.brokle.config.Cost cost) {
    public boolean ok() {
        return result.equals("ok");
    }
}
