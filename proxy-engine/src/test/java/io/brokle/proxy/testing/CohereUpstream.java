package io.brokle.proxy.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * A fake Cohere v2 API for tests: a real HTTP/1.1 server on {@code 127.0.0.1:<free port>} that
 * answers {@code POST /v2/chat} (streamed as server-sent events, {@code event: <type>} and
 * {@code data: <json>} per event, ending after {@code message-end}; or whole) and
 * {@code POST /v2/embed} in Cohere's wire format.
 * <pre>
 *   try (CohereUpstream upstream = CohereUpstream.start()) {
 *       upstream.rateLimitNext("1");
 *       ... send a request to upstream.baseUrl() + "/v2/chat" with "Authorization: Bearer " + upstream.apiKey() ...
 *   }
 * </pre>
 * Requests need {@code Authorization: Bearer} with {@link #apiKey()} (else 401, Cohere's
 * {@code {"id","message"}} error); a chat body without {@code model} or {@code messages}, with
 * an unknown role, or {@code tool_choice} without tools gets 400, and so does an embed body
 * without {@code model}, {@code texts}, {@code input_type} or {@code embedding_types}. Answers
 * are deterministic ({@link CohereUpstreamAnswer}). Each request takes the next scripted
 * behaviour, if any: an error status ({@link #failNext}), a 429 with {@code Retry-After}
 * ({@link #rateLimitNext}), a slow first byte ({@link #slowFirstByteNext}), a stream cut after
 * some events ({@link #dropNextAfterEvents}) or ended by an error ({@link #errorEndNextAfterEvents}).
 *
 * <p>Records every request. Owns a one-thread event loop group, its server channel and every
 * accepted connection; {@link #close()} ends them all. Thread-safe.
 */
public final class CohereUpstream extends MockUpstream<CohereUpstream.Script> {
    /** The key {@link #start()} expects as the Bearer token. */
    public static final String API_KEY = "co-mock-key-0123456789";
    static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

    /** A scripted answer for one request. */
    sealed interface Script {
        record Fail(int status, String message, String retryAfter) implements Script {
        }

        record SlowFirstByte(Duration delay) implements Script {
        }

        record DropAfterEvents(int events) implements Script {
        }

        record ErrorEndAfterEvents(int events, String message) implements Script {
        }
    }

    private final String apiKey;

    private CohereUpstream(String apiKey) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /** Starts with {@link #API_KEY}. */
    public static CohereUpstream start() {
        CohereUpstream upstream = new CohereUpstream(API_KEY);
        upstream.listen("cohere-upstream", MAX_REQUEST_BYTES,
                () -> new CohereUpstreamHandler(upstream));
        return upstream;
    }

    public String apiKey() {
        return apiKey;
    }

    /** The next request gets {@code status} with Cohere's error body carrying {@code message}. */
    public void failNext(int status, String message) {
        script(new Script.Fail(status, Objects.requireNonNull(message, "message"), null));
    }

    /** The next request gets 429 with {@code Retry-After: retryAfter}, as Cohere rate-limits. */
    public void rateLimitNext(String retryAfter) {
        script(new Script.Fail(429, "You are using a Trial key, which is limited to 10 API calls / minute.",
                Objects.requireNonNull(retryAfter, "retryAfter")));
    }

    /** The next request is answered normally, but only after {@code delay} (on the server's own loop). */
    public void slowFirstByteNext(Duration delay) {
        script(new Script.SlowFirstByte(Objects.requireNonNull(delay, "delay")));
    }

    /**
     * The next request, if streamed, gets its first {@code events} events and then the
     * connection closes (no terminal chunk, no {@code message-end}); if not streamed, the
     * connection closes unanswered.
     */
    public void dropNextAfterEvents(int events) {
        if (events < 0) {
            throw new IllegalArgumentException("events: " + events + " (expected: >= 0)");
        }
        script(new Script.DropAfterEvents(events));
    }

    /**
     * The next streamed request gets its first {@code events} events, then a {@code message-end}
     * with {@code finish_reason: ERROR} and {@code error: message}, and the stream ends.
     */
    public void errorEndNextAfterEvents(int events, String message) {
        script(new Script.ErrorEndAfterEvents(events, Objects.requireNonNull(message, "message")));
    }

}
