package io.brokle.control.resources.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokle.control.api.ApiError;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

class ConstraintViolationMapperTest {
    record Limits(@Min(1) int rpm) {
    }

    record Body(@NotBlank String name, @Valid Limits limits) {
    }

    private static Response map(Object bean) {
        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        return new ConstraintViolationMapper().toResponse(new ConstraintViolationException(validator.validate(bean)));
    }

    @Test
    void aBeanValidationFailureIsA400NamingTheField() {
        Response blank = map(new Body(" ", new Limits(5)));
        assertEquals(400, blank.getStatus());
        ApiError error = (ApiError) blank.getEntity();
        assertEquals("name", error.error().param());
        assertEquals("name: must not be blank", error.error().message());
        assertEquals("invalid_request_error", error.error().type());

        ApiError nested = (ApiError) map(new Body("ok", new Limits(0))).getEntity();
        assertEquals("limits.rpm", nested.error().param());
        assertEquals("limits.rpm: must be greater than or equal to 1", nested.error().message());
    }
}
