package io.brokle.proxy.adapt;

/**
 * A request or answer that cannot be translated. A client request that asks for something the
 * other format cannot express is a {@linkplain #badRequest 400} naming the offending field; an
 * upstream answer that does not follow its own format is a {@linkplain #badUpstream 502}. The
 * message is safe to return to the client: it names fields and values, never credentials.
 */
public final class TranslationException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String param;
    private final String code;

    /** A 400 for the client's request; {@code param} is the offending field's path, or null. */
    public TranslationException(String message, String param) {
        this(message, 400, param, null);
    }

    private TranslationException(String message, int status, String param, String code) {
        super(message, null, false, false);
        this.status = status;
        this.param = param;
        this.code = code;
    }

    /** A 502 with code {@code upstream_malformed}: the provider's answer broke its own format. */
    public static TranslationException badUpstream(String message) {
        return new TranslationException(message, 502, null, "upstream_malformed");
    }

    /**
     * A 400 with code {@code content_policy_violation}: the provider answered, but refused the
     * request on policy grounds in a success answer (a prompt Gemini blocked). The relay answers
     * it like a provider's error, so routes may fall back to another model.
     */
    public static TranslationException contentPolicy(String message) {
        return new TranslationException(message, 400, null, "content_policy_violation");
    }

    /** 400 (the client's request, or a {@linkplain #contentPolicy refusal}) or 502 (the provider's answer). */
    public int status() {
        return status;
    }

    /** The offending request field, e.g. {@code messages[2].content[0].image_url.url}, or null. */
    public String param() {
        return param;
    }

    /** The OpenAI-style error code: null for a 400 about the request, {@code content_policy_violation}, or {@code upstream_malformed} for a 502. */
    public String code() {
        return code;
    }

    /** The OpenAI error type for this exception: {@code invalid_request_error} or {@code upstream_error}. */
    public String type() {
        return status == 400 ? "invalid_request_error" : "upstream_error";
    }
}
