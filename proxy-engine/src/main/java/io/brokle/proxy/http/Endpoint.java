package io.brokle.proxy.http;

import java.util.Optional;

/**
 * The endpoints the gateway relays upstream, with the dialect their clients speak and the body
 * fields each one requires besides {@code model}.
 */
public enum Endpoint {
    CHAT_COMPLETIONS("/v1/chat/completions", "chat/completions", ClientDialect.OPENAI, "messages"),
    COMPLETIONS("/v1/completions", "completions", ClientDialect.OPENAI, "prompt"),
    EMBEDDINGS("/v1/embeddings", "embeddings", ClientDialect.OPENAI, "input"),
    /**
     * Anthropic's Messages API. Relayed as is to Anthropic providers; for every other provider
     * translated to (and answered from) {@link #CHAT_COMPLETIONS}.
     */
    MESSAGES("/v1/messages", "messages", ClientDialect.ANTHROPIC, "max_tokens", "messages"),
    /** Anthropic's token counting, relayed to Anthropic providers only (no other provider offers it). */
    COUNT_TOKENS("/v1/messages/count_tokens", "messages/count_tokens", ClientDialect.ANTHROPIC, "messages");

    private final String path;
    private final String upstreamSuffix;
    private final ClientDialect dialect;
    private final String[] requiredFields;

    Endpoint(String path, String upstreamSuffix, ClientDialect dialect, String... requiredFields) {
        this.path = path;
        this.upstreamSuffix = upstreamSuffix;
        this.dialect = dialect;
        this.requiredFields = requiredFields;
    }

    /** The client-facing path, e.g. {@code /v1/chat/completions}. */
    public String path() {
        return path;
    }

    /** What is appended to a provider's base URL, e.g. {@code chat/completions}. */
    public String upstreamSuffix() {
        return upstreamSuffix;
    }

    /** The format its clients speak, and get their answers and errors in. */
    public ClientDialect dialect() {
        return dialect;
    }

    /** The (last) body field besides {@code model} without which the request is a 400. */
    public String requiredField() {
        return requiredFields[requiredFields.length - 1];
    }

    /** How many body fields besides {@code model} are required. */
    int requiredFieldCount() {
        return requiredFields.length;
    }

    /** The required field's index in {@link #requiredField(int)} order, or -1 when {@code field} is not required. */
    int requiredIndex(String field) {
        for (int i = 0; i < requiredFields.length; i++) {
            if (requiredFields[i].equals(field)) {
                return i;
            }
        }
        return -1;
    }

    String requiredField(int index) {
        return requiredFields[index];
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
