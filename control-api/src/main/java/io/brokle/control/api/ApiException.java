package io.brokle.control.api;

import jakarta.ws.rs.core.Response;
import java.time.Duration;

/**
 * An error the management API answers on purpose, as an {@link ApiError}. Resources and
 * services throw it through the factories below; the message reaches the caller, so it names the
 * offending value but never a secret.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Duration retryAfter;

    private ApiException(int status, String type, String message, String param, String code, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** 400: {@code param} is the request field at fault (null for the whole body). */
    public static ApiException badRequest(String param, String message) {
        return new ApiException(400, "invalid_request_error", message, param, null, null);
    }

    /** 401: no valid credentials. */
    public static ApiException unauthorized(String message) {
        return new ApiException(401, "authentication_error", message, null, null, null);
    }

    /** 403: authenticated, but the role does not allow it. */
    public static ApiException forbidden(String message) {
        return new ApiException(403, "permission_error", message, null, "forbidden", null);
    }

    /** 404: absent, or in a tenant the caller cannot see (the two are not told apart). */
    public static ApiException notFound(String message) {
        return new ApiException(404, "invalid_request_error", message, null, "not_found", null);
    }

    /** 409: the request clashes with what exists. */
    public static ApiException conflict(String param, String message) {
        return new ApiException(409, "invalid_request_error", message, param, "conflict", null);
    }

    /** 429 with a {@code Retry-After} of {@code retryAfter} (whole seconds, rounded up). */
    public static ApiException tooManyRequests(String message, Duration retryAfter) {
        return new ApiException(429, "rate_limit_error", message, null, "rate_limited", retryAfter);
    }

    public int status() {
        return status;
    }

    /** The response this exception stands for. */
    public Response toResponse() {
        Response.ResponseBuilder r = Response.status(status)
                .type("application/json")
                .entity(ApiError.of(getMessage(), type, param, code));
        if (retryAfter != null) {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            r.header("Retry-After", Long.toString(seconds));
        }
        if (status == 401) {
            r.header("WWW-Authenticate", "Bearer");
        }
        return r.build();
    }
}
