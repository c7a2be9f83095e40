package io.brokle.proxy.http;

import java.util.Optional;

/** The OpenAI endpoints the gateway relays upstream, with the body field each one requires. */
public enum Endpoint {
    CHAT_COMPLETIONS("/v1/chat/completions", "chat/completions", "messages"),
    COMPLETIONS("/v1/completions", "completions", "prompt"),
    EMBEDDINGS("/v1/embeddings", "embeddings", "input");

    private final String path;
    private final String upstreamSuffix;
    private final String requiredField;

    Endpoint(String path, String upstreamSuffix, String requiredField) {
        this.path = path;
        this.upstreamSuffix = upstreamSuffix;
        this.requiredField = requiredField;
    }

    /** The client-facing path, e.g. {@code /v1/chat/completions}. */
    public String path() {
        return path;
    }

    /** What is appended to a provider's base URL, e.g. {@code chat/completions}. */
    public String upstreamSuffix() {
        return upstreamSuffix;
    }

    /** The body field besides {@code model} without which the request is a 400. */
    public String requiredField() {
        return requiredField;
    }

    /** A label for metrics. */
    public String label() {
        return upstreamSuffix;
    }

    public static Optional<Endpoint> forPath(String path) {
        for (Endpoint e : values()) {
            if (e.path.equals(path)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
