package io.brokle.control.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every management API error, in the OpenAI format the data plane also answers:
 * {@code {"error":{"message":"name: must not be blank","type":"invalid_request_error","param":"name","code":null}}}.
 */
public record ApiError(Detail error) {
    /**
     * @param type    {@code invalid_request_error} (400, 404, 409), {@code authentication_error}
     *                (401), {@code permission_error} (403), {@code rate_limit_error} (429) or
     *                {@code api_error} (500)
     * @param param   the offending request field, or null
     * @param code    a machine-readable reason ({@code not_found}, {@code conflict}, ...), or null
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {
    }

    public static ApiError of(String message, String type, String param, String code) {
        return new ApiError(new Detail(message, type, param, code));
    }
}
