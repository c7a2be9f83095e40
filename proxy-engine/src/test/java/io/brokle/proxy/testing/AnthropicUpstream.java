package io.brokle.proxy.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A fake Anthropic Messages API for tests: a real HTTP/1.1 server on
 * {@code 127.0.0.1:<free port>} that answers {@code POST /v1/messages} in Anthropic's wire
 * format, streamed ({@code event: ...} / {@code data: ...} lines, with {@code ping}) and not, and
 * {@code POST /v1/messages/count_tokens} ({@code {"input_tokens":N}}, counted as a message's usage is).
 * <pre>
 *   try (AnthropicUpstream upstream = AnthropicUpstream.start()) {
 *       upstream.overloadNext();
 *       ... send a request to upstream.baseUrl() + "/v1/messages" with x-api-key: upstream.apiKey() ...
 *   }
 * </pre>
 * Requests need {@code x-api-key} equal to {@link #apiKey()} (else 401
 * {@code authentication_error}) and an {@code anthropic-version} header (else 400
 * {@code invalid_request_error}); a body without {@code model}, {@code max_tokens} or
 * {@code messages} gets 400 as well. Answers are deterministic
 * ({@link AnthropicUpstreamAnswer}): text that echoes the last user message, a
 * {@code tool_use} block when the request has tools and the last user message says "use the
 * tool" (or {@code tool_choice} forces a tool), a thinking block when thinking is enabled, and
 * usage with prompt-cache counts when the request has {@code cache_control} markers (the first
 * request with a given prefix writes the cache, later ones read it). Each request takes the next
 * scripted failure, if any ({@link #failNext}, {@link #overloadNext}, {@link #dropNextAfterEvents}).
 *
 * <p>Records every request. Owns a one-thread event loop group, its server channel and every
 * accepted connection; {@link #close()} ends them all. Thread-safe.
 */
public final class AnthropicUpstream extends MockUpstream<AnthropicUpstream.Script> {
    /** The key {@link #start()} expects in {@code x-api-key}. */
    public static final String API_KEY = "sk-ant-mock-0123456789";
    /** The {@code anthropic-version} clients send today. */
    public static final String VERSION = "2023-06-01";
    static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

    /** A scripted answer for one request. */
    sealed interface Script {
        record Fail(int status, String type, String message) implements Script {
        }

        record DropAfterEvents(int events) implements Script {
        }

        record ErrorEventAfterEvents(int events, String type, String message) implements Script {
        }
    }

    private final String apiKey;
    private final Map<String, Long> promptCache = new HashMap<>();

    private AnthropicUpstream(String apiKey) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    }

    /** Starts with {@link #API_KEY}. */
    public static AnthropicUpstream start() {
        return start(API_KEY);
    }

    public static AnthropicUpstream start(String apiKey) {
        AnthropicUpstream upstream = new AnthropicUpstream(apiKey);
        upstream.listen("anthropic-upstream", MAX_REQUEST_BYTES,
                () -> new AnthropicUpstreamHandler(upstream));
        return upstream;
    }

    public String apiKey() {
        return apiKey;
    }

    /** The next request gets {@code status} with an Anthropic error of {@code type} and {@code message}. */
    public void failNext(int status, String type, String message) {
        script(new Script.Fail(status, Objects.requireNonNull(type, "type"),
                Objects.requireNonNull(message, "message")));
    }

    /** The next request gets 529 {@code overloaded_error}, as Anthropic answers under load. */
    public void overloadNext() {
        failNext(529, "overloaded_error", "Overloaded");
    }

    /**
     * The next streamed request gets its first {@code events} events, then an Anthropic
     * {@code error} event of {@code type} (as the API sends {@code overloaded_error} mid-stream),
     * and the stream ends.
     */
    public void errorEventNextAfterEvents(int events, String type, String message) {
        script(new Script.ErrorEventAfterEvents(events, Objects.requireNonNull(type, "type"),
                Objects.requireNonNull(message, "message")));
    }

    /**
     * The next request, if streamed, gets its first {@code events} events and then the
     * connection closes (no terminal chunk); if not streamed, the connection closes unanswered.
     */
    public void dropNextAfterEvents(int events) {
        if (events < 0) {
            throw new IllegalArgumentException("events: " + events + " (expected: >= 0)");
        }
        script(new Script.DropAfterEvents(events));
    }

    /** True when {@code prefixKey} was cached before; caches it either way. */
    boolean cacheHit(String prefixKey, long tokens) {
        synchronized (promptCache) {
            return promptCache.put(prefixKey, tokens) != null;
        }
    }
}
