package io.brokle.control.core;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for email addresses: trimmed, lower-cased (the database compares them as they
 * are, see V0002), at most 320 characters, and shaped like {@code local@domain.tld}. Nothing
 * more is claimed: whether the mailbox exists is not checked.
 */
public final class Emails {
    public static final int MAX_LENGTH = 320;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");

    private Emails() {
    }

    /** The canonical form of {@code value}, or null when it is not an acceptable address. */
    public static String normalize(String value) {
        if (value == null) {
            return null;
        }
        String email = value.strip().toLowerCase(Locale.ROOT);
        return email.length() <= MAX_LENGTH && EMAIL.matcher(email).matches() ? email : null;
    }
}
