package io.brokle.control.resources.errors;

import io.brokle.control.api.ApiError;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Locale;

/**
 * JAX-RS's own errors (unknown path 404, 405, 406, 415, ...) in the management API's error
 * format, keeping their status and headers (such as {@code Allow}).
 */
public final class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        String message = status == 404 ? "not found"
                : original.getStatusInfo().getReasonPhrase().toLowerCase(Locale.ROOT);
        Response.ResponseBuilder r = Response.status(status).type("application/json")
                .entity(ApiError.of(message, type, null, null));
        original.getHeaders().forEach((name, values) -> {
            if (!"Content-Type".equalsIgnoreCase(name) && !"Content-Length".equalsIgnoreCase(name)) {
                values.forEach(v -> r.header(name, v));
            }
        });
        return r.build();
    }
}
