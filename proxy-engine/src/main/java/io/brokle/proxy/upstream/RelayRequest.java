package io.brokle.proxy.upstream;

import io.brokle.proxy.http.ClientDialect;
import io.brokle.proxy.http.Endpoint;
import java.util.List;
import java.util.Map;

/**
 * What a relay needs to know about the client's request besides its body.
 *
 * @param endpoint         the endpoint called
 * @param requestId        the gateway's id for this request, returned as {@code x-request-id}
 * @param stream           whether the client asked for a streamed answer
 * @param clientAskedUsage whether the client asked for the streamed usage chunk itself
 * @param accept           the client's {@code Accept} header, or {@code null}
 * @param closeAfter       whether the client connection closes after this answer (draining)
 * @param attempt          which attempt this is for the client's request, from 1
 * @param deadlineNanos    when the client's whole request must be over ({@link System#nanoTime()}),
 *                         or 0 for no deadline beyond the provider's own total timeout
 * @param formatHeaders    the client's API-format headers ({@link ClientDialect#formatHeaders}), sent on
 *                         to providers of the client's format
 */
public record RelayRequest(Endpoint endpoint, String requestId, boolean stream, boolean clientAskedUsage,
                           String accept, boolean closeAfter, int attempt, long deadlineNanos,
                           List<Map.Entry<String, String>> formatHeaders) {
    public RelayRequest withAttempt(int n, long deadline) {
        return new RelayRequest(endpoint, requestId, stream, clientAskedUsage, accept, closeAfter, n, deadline,
                formatHeaders);
    }

    /** The format the client speaks, and gets its answers and errors in. */
    public ClientDialect dialect() {
        return endpoint.dialect();
    }
}
