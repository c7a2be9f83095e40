package io.brokle.proxy.http;

/** A client request the gateway refuses with 400; the message is safe to return to the client. */
public final class BadRequestException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String param;

    public BadRequestException(String message, String param) {
        super(message, null, false, false);
        this.param = param;
    }

    /** The offending field, or {@code null}. */
    public String param() {
        return param;
    }
}
