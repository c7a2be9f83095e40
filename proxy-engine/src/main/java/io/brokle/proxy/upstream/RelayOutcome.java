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
 */
public record RelayOutcome(int status, String result, Usage usage, long upstreamNanos, long firstByteNanos) {
    public boolean ok() {
        return result.equals("ok");
    }
}
