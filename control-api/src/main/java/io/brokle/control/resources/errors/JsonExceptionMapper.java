package io.brokle.control.resources.errors;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.brokle.control.api.ApiException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.stream.Collectors;

/**
 * A request body that is not the JSON an endpoint reads: 400 naming the field at fault, without
 * echoing the body (it may hold a password).
 */
public final class JsonExceptionMapper implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
        if (e instanceof JsonParseException) {
            return ApiException.badRequest(null, "the request body is not valid JSON").toResponse();
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return ApiException.badRequest(u.getPropertyName(), u.getPropertyName() + ": unknown field (expected: "
                    + u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                    .collect(Collectors.joining(", ")) + ")").toResponse();
        }
        if (e instanceof DatabindException d && d instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            String field = m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return ApiException.badRequest(field, field + ": wrong type of value").toResponse();
        }
        return ApiException.badRequest(null, "the request body does not have the expected shape (a JSON object)")
                .toResponse();
    }
}
