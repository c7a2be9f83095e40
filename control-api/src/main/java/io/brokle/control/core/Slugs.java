package io.brokle.control.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for tenant path segments (organization and project slugs, environment names):
 * they appear in URLs, in the proxy's tenant paths and in metric labels, so they are short,
 * lower-case and safe everywhere without escaping.
 */
public final class Slugs {
    /** Longest slug: a DNS label's length, so a slug can also name a host if it ever has to. */
    public static final int MAX_LENGTH = 63;

    private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private Slugs() {
    }

    /**
     * Returns {@code value} when it is a valid slug.
     *
     * @param what names the value in the message, e.g. {@code "organization slug"}
     * @throws IllegalArgumentException when {@code value} is null or not a slug
     */
    public static String require(String what, String value) {
        if (value == null || !SLUG.matcher(value).matches()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: %s (expected: 1 to %d characters of a-z, 0-9 and '-', not starting or ending with '-')",
                    what, value == null ? "null" : '"' + value + '"', MAX_LENGTH));
        }
        return value;
    }
}
