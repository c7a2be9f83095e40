package io.brokle.control.api;

import io.brokle.control.core.Emails;
import io.brokle.control.core.Role;
import io.brokle.control.core.Slugs;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Checks of request fields, each failing with a 400 that names the field. Resources call these
 * before any write, so bad input changes nothing.
 */
public final class Validation {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MIN_PASSWORD_LENGTH = 10;
    /** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
    public static final int MAX_PASSWORD_LENGTH = 256;

    private Validation() {
    }

    /** The body itself, which JAX-RS passes as null when the request has none. */
    public static <T> T body(T body) {
        if (body == null) {
            throw ApiException.badRequest(null, "a JSON request body is required");
        }
        return body;
    }

    /** A display name: trimmed, 1 to 200 characters, no control characters. */
    public static String name(String param, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(param, param + ": must not be blank");
        }
        String name = value.strip();
        if (name.length() > MAX_NAME_LENGTH) {
            throw ApiException.badRequest(param, param + ": at most " + MAX_NAME_LENGTH + " characters, got "
                    + name.length());
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(param, param + ": must not contain control characters");
        }
        return name;
    }

    /** A slug (see {@link Slugs}). */
    public static String slug(String param, String value) {
        try {
            return Slugs.require(param, value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(param, e.getMessage());
        }
    }

    /** An email address, returned in its canonical (lower-case) form. */
    public static String email(String param, String value) {
        String email = Emails.normalize(value);
        if (email == null) {
            throw ApiException.badRequest(param, param + ": "
                    + (value == null ? "is required" : "not an email address") + " (expected: name@example.com)");
        }
        return email;
    }

    /** A new password: 10 to 256 characters. Its value never appears in the message. */
    public static String newPassword(String param, String value) {
        if (value == null || value.length() < MIN_PASSWORD_LENGTH) {
            throw ApiException.badRequest(param, param + ": at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (value.length() > MAX_PASSWORD_LENGTH) {
            throw ApiException.badRequest(param, param + ": at most " + MAX_PASSWORD_LENGTH + " characters");
        }
        return value;
    }

    /** A present, non-empty secret (a password to check, a token). Its value never appears in the message. */
    public static String secret(String param, String value) {
        if (value == null || value.isEmpty()) {
            throw ApiException.badRequest(param, param + ": is required");
        }
        if (value.length() > MAX_PASSWORD_LENGTH) {
            throw ApiException.badRequest(param, param + ": at most " + MAX_PASSWORD_LENGTH + " characters");
        }
        return value;
    }

    /** A role by its lower-case name. */
    public static Role role(String param, String value) {
        Role role = Role.fromWire(value);
        if (role == null) {
            throw ApiException.badRequest(param, param + ": " + (value == null ? "is required" : '"' + value + '"')
                    + " (expected one of: " + Arrays.stream(Role.values()).map(Role::wireName)
                    .collect(Collectors.joining(", ")) + ")");
        }
        return role;
    }

    /** A UUID in a path or query parameter. */
    public static UUID uuid(String param, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ApiException.badRequest(param, param + ": not an id: " + value);
        }
    }

    /** An integer query parameter within [min, max], {@code fallback} when absent. */
    public static int intParam(String param, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(param, String.format(Locale.ROOT, "%s: expected an integer from %d to %d, got %s",
                param, min, max, value));
    }
}
