package io.brokle.proxy.testing;

import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A fake Google Gemini API for tests: a real HTTP/1.1 server on {@code 127.0.0.1:<free port>}
 * that answers, in the Gemini API's wire format,
 * <ul>
 *   <li>{@code POST /v1beta/models/{model}:generateContent} with a {@code GenerateContentResponse};</li>
 *   <li>{@code POST /v1beta/models/{model}:streamGenerateContent?alt=sse} with one
 *       {@code data: <GenerateContentResponse>} event per piece (without {@code alt=sse}: a JSON
 *       array of them, as the API does);</li>
 *   <li>{@code POST /v1beta/models/{model}:batchEmbedContents} with
 *       {@code {"embeddings":[{"values":[...]}]}}.</li>
 * </ul>
 * <pre>
 *   try (GeminiUpstream gemini = GeminiUpstream.start()) {
 *       gemini.rateLimitNext(3);
 *       ... POST gemini.baseUrl() + "/v1beta/models/gemini-2.5-flash:generateContent" with x-goog-api-key ...
 *   }
 * </pre>
 * The key goes in {@code x-goog-api-key} (or {@code ?key=}): none is 403 {@code PERMISSION_DENIED},
 * a wrong one 400 {@code INVALID_ARGUMENT} with reason {@code API_KEY_INVALID}, as Google answers.
 * Bodies are checked as strictly as the real API checks them: unknown fields (snake_case
 * included) are 400 "Invalid JSON payload received. Unknown name ...", roles must be {@code user}
 * or {@code model}, every content needs parts, and a Gemini 3 model refuses a
 * {@code functionCall} part sent back without its {@code thoughtSignature}. Answers are
 * deterministic ({@link GeminiUpstreamAnswer}). Errors are Google's
 * {@code {"error":{"code","message","status"}}}. Each request takes the next scripted
 * misbehaviour, if any.
 *
 * <p>Records every request. Owns a one-thread event loop group, its server channel and every
 * accepted connection; {@link #close()} ends them all. Thread-safe.
 */
public final class GeminiUpstream extends MockUpstream<GeminiUpstream.Script> {
    /** The key {@link #start()} expects. */
    public static final String API_KEY = "AIza-mock-gemini-0123456789";
    static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

    /** A scripted misbehaviour for one request. */
    sealed interface Script {
        /** An error answer in Google's format; {@code retryAfterSeconds} above 0 adds {@code Retry-After}. */
        record Fail(int status, String googleStatus, String message, int retryAfterSeconds) implements Script {
        }

        /** 429 {@code RESOURCE_EXHAUSTED} whose wait is only in the body's {@code RetryInfo}, as Google often sends it. */
        record RetryInfoOnly(int seconds) implements Script {
        }

        record SlowFirstByte(Duration delay) implements Script {
        }

        record DropAfterEvents(int events) implements Script {
        }

        record ErrorEventAfterEvents(int events, int code, String googleStatus, String message) implements Script {
        }

        record BlockPrompt(String reason) implements Script {
        }
    }

    private final String apiKey;
    private final Set<String> implicitCache = new HashSet<>();

    private GeminiUpstream(String apiKey) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /** Starts with {@link #API_KEY}. */
    public static GeminiUpstream start() {
        GeminiUpstream upstream = new GeminiUpstream(API_KEY);
        upstream.listen("gemini-upstream", MAX_REQUEST_BYTES,
                () -> new GeminiUpstreamHandler(upstream));
        return upstream;
    }

    public String apiKey() {
        return apiKey;
    }

    /** The next request gets {@code status} with a Google error of {@code googleStatus} and {@code message}. */
    public void failNext(int status, String googleStatus, String message) {
        script(new Script.Fail(status, Objects.requireNonNull(googleStatus, "googleStatus"),
                Objects.requireNonNull(message, "message"), 0));
    }

    /** The next request gets 429 {@code RESOURCE_EXHAUSTED} with {@code Retry-After: seconds}. */
    public void rateLimitNext(int retryAfterSeconds) {
        script(new Script.Fail(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                retryAfterSeconds));
    }

    /** The next request gets 429 {@code RESOURCE_EXHAUSTED} with its wait in {@code RetryInfo} only, no header. */
    public void rateLimitNextInBodyOnly(int retryDelaySeconds) {
        script(new Script.RetryInfoOnly(retryDelaySeconds));
    }

    /** The next request is answered only after {@code delay} (timed on the server's event loop, nothing sleeps). */
    public void slowFirstByteNext(Duration delay) {
        script(new Script.SlowFirstByte(Objects.requireNonNull(delay, "delay")));
    }

    /**
     * The next request, if streamed, gets its first {@code events} events and then the connection
     * closes without the end of the chunked body; if not streamed, the connection closes unanswered.
     */
    public void dropNextAfterEvents(int events) {
        if (events < 0) {
            throw new IllegalArgumentException("events: " + events + " (expected: >= 0)");
        }
        script(new Script.DropAfterEvents(events));
    }

    /** The next streamed request gets its first {@code events} events, then a Google error as an event, and ends. */
    public void errorEventNextAfterEvents(int events, int code, String googleStatus, String message) {
        script(new Script.ErrorEventAfterEvents(events, code, googleStatus, message));
    }

    /** The next request's prompt is blocked: {@code promptFeedback.blockReason} and no candidates. */
    public void blockNextPrompt(String reason) {
        script(new Script.BlockPrompt(Objects.requireNonNull(reason, "reason")));
    }

    /** True when {@code prefix} was seen before (Gemini's implicit cache); remembers it either way. */
    boolean cacheHit(String prefix) {
        synchronized (implicitCache) {
            return !implicitCache.add(prefix);
        }
    }
}
