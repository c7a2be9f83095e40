package io.brokle.control.resources.errors;

import io.brokle.control.api.ApiException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Bean Validation failures ({@code @Valid}, {@code @NotNull} on resource parameters and request
 * records) as a 400 naming the first offending field, for resources that validate that way
 * rather than through {@link io.brokle.control.api.Validation}.
 */
public final class ConstraintViolationMapper implements ExceptionMapper<ConstraintViolationException> {
    @Override
    public Response toResponse(ConstraintViolationException e) {
        ConstraintViolation<?> first = e.getConstraintViolations().stream()
                .min(Comparator.comparing(v -> field(v.getPropertyPath())))
                .orElse(null);
        if (first == null) {
            return ApiException.badRequest(null, "the request is not valid").toResponse();
        }
        String field = field(first.getPropertyPath());
        return ApiException.badRequest(field.isEmpty() ? null : field,
                (field.isEmpty() ? "request" : field) + ": " + first.getMessage()).toResponse();
    }

    /** The property path without the resource method and parameter: {@code name}, {@code limits.rpm}. */
    static String field(Path path) {
        List<String> names = new ArrayList<>();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.PROPERTY || node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                names.add(node.getIndex() != null ? node.getName() + "[" + node.getIndex() + "]" : node.getName());
            }
        }
        if (names.isEmpty()) {
            for (Path.Node node : path) {
                if (node.getKind() == ElementKind.PARAMETER) {
                    names.add(node.getName());
                }
            }
        }
        return String.join(".", names);
    }
}
