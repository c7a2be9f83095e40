package io.brokle.proxy.adapt.anthropic;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A base64 {@code data:} URL taken apart, e.g. {@code data:image/png;base64,iVBORw0K...}, and put
 * back together. Nothing is decoded: the base64 text goes from one format to the other as is.
 *
 * @param mediaType the media type, lower case, e.g. {@code image/png}
 * @param base64    the data, base64 as sent
 */
record DataUrl(String mediaType, String base64) {
    private static final Pattern DATA_URL =
            Pattern.compile("data:([^;,]*)((?:;[^;,]*)*),(.*)", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    static boolean isDataUrl(String url) {
        return url.regionMatches(true, 0, "data:", 0, 5);
    }

    /** {@code url} taken apart, or null when it is not a base64 data URL. */
    static DataUrl parse(String url) {
        Matcher m = DATA_URL.matcher(url);
        if (!m.matches() || !m.group(2).toLowerCase(Locale.ROOT).endsWith(";base64")) {
            return null;
        }
        return new DataUrl(m.group(1).trim().toLowerCase(Locale.ROOT), m.group(3));
    }

    static String of(String mediaType, String base64) {
        return "data:" + mediaType + ";base64," + base64;
    }
}
