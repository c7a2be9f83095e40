package io.brokle.control.resources.errors;

import io.brokle.control.api.ApiError;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anything else: 500 with an id that is also in the log line (with the stack trace), so an
 * operator can find the cause without the caller seeing it.
 */
public final class UnexpectedExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = LoggerFactory.getLogger(UnexpectedExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        String id = String.format("%016x", ThreadLocalRandom.current().nextLong());
        LOG.error("error {} while handling a request", id, e);
        return Response.status(500).type("application/json")
                .entity(ApiError.of("internal error " + id + " (details are in the server log)", "api_error", null,
                        null))
                .build();
    }
}
