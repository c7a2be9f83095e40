package io.brokle.proxy.testing;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ScriptedUpstream} answers one request. "Chunks" are content chunks of a streamed
 * completion: a cut after {@code n} chunks sends the role chunk (chat) and {@code n} content
 * chunks, then stops; an {@code n} past the end sends the whole answer first. A request that is
 * not streamed has a single part, its body, so a cut sends the response head (with its
 * {@code Content-Length}) and no body.
 */
public sealed interface Behaviour {

    /** Answer like the mock provider. */
    static Behaviour normal() {
        return new Normal();
    }

    /** {@code code} with an OpenAI error body of {@code openAiErrorType} and {@code message}. */
    static Behaviour status(int code, String openAiErrorType, String message) {
        return new Status(code, openAiErrorType, message);
    }

    /**
     * 429 with {@code Retry-After: retryAfter} (seconds or an HTTP date) and the body OpenAI
     * sends: type {@code requests}, code {@code rate_limit_exceeded}.
     */
    static Behaviour rateLimited(String retryAfter) {
        return new RateLimited(retryAfter);
    }

    /** Wait {@code delay} before the first byte, then answer normally. */
    static Behaviour slowFirstByte(Duration delay) {
        return new SlowFirstByte(delay);
    }

    /** Send {@code chunks} content chunks, then nothing more, keeping the connection open. */
    static Behaviour stallAfterChunks(int chunks) {
        return new CutAfterChunks(chunks, Cut.STALL);
    }

    /** Send {@code chunks} content chunks, then close the connection (FIN) with no terminal chunk. */
    static Behaviour dropAfterChunks(int chunks) {
        return new CutAfterChunks(chunks, Cut.DROP);
    }

    /** Send {@code chunks} content chunks, then reset the connection (SO_LINGER 0, RST). */
    static Behaviour resetAfterChunks(int chunks) {
        return new CutAfterChunks(chunks, Cut.RESET);
    }

    /** 200 {@code application/json} with a JSON body cut off in the middle. */
    static Behaviour malformedJson() {
        return new MalformedJson();
    }

    /** 200 {@code text/html}: what a captive portal or misconfigured proxy sends. */
    static Behaviour html200() {
        return new Html200();
    }

    /** Read the request, then close the connection without answering. */
    static Behaviour dropBeforeResponse() {
        return new DropBeforeResponse();
    }

    record Normal() implements Behaviour {
    }

    record Status(int code, String type, String message) implements Behaviour {
        public Status {
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("code: " + code + " (expected: 100..599)");
            }
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(message, "message");
        }
    }

    record RateLimited(String retryAfter) implements Behaviour {
        public RateLimited {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    record SlowFirstByte(Duration delay) implements Behaviour {
        public SlowFirstByte {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
            }
        }
    }

    /** How a cut answer ends. */
    enum Cut { STALL, DROP, RESET }

    record CutAfterChunks(int chunks, Cut cut) implements Behaviour {
        public CutAfterChunks {
            if (chunks < 0) {
                throw new IllegalArgumentException("chunks: " + chunks + " (expected: >= 0)");
            }
            Objects.requireNonNull(cut, "cut");
        }
    }

    record MalformedJson() implements Behaviour {
    }

    record Html200() implements Behaviour {
    }

    record DropBeforeResponse() implements Behaviour {
    }
}
