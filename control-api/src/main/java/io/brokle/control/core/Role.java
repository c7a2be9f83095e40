package io.brokle.control.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A member's role in an organization, weakest first: a viewer reads; a developer reads and
 * manages keys within its scope; an admin manages projects, environments, providers, routes
 * and members up to admin; an owner also grants owner. Stored and shown in lower case.
 */
public enum Role {
    VIEWER, DEVELOPER, ADMIN, OWNER;

    /** Whether this role includes everything {@code other} may do. */
    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    /** The name in the database and the API: {@code owner}, {@code admin}, ... */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code value} (lower case), or null when there is none. */
    public static Role fromWire(String value) {
        if (value == null) {
            return null;
        }
        for (Role role : values()) {
            if (role.wireName().equals(value)) {
                return role;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return wireName();
    }
}
