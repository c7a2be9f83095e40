package io.brokle.control.db.migrate;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a migration script into statements at the semicolons that end them.
 *
 * <p>JDBC runs one statement at a time on H2, and a failure is easier to read when it names
 * its statement. A semicolon ends a statement unless it is inside a string ({@code '...'},
 * {@code E'...'} with backslash escapes), a quoted identifier ({@code "..."}), a comment
 * ({@code -- ...} or {@code /* ... *}{@code /}, nested as PostgreSQL allows) or a dollar-quoted
 * body ({@code $$ ... $$}, {@code $fn$ ... $fn$}). Statements keep their comments; a piece
 * holding only comments and whitespace is not a statement.
 */
public final class SqlScript {
    private SqlScript() {
    }

    /** The statements of {@code script}, in order, trimmed, without their final semicolon. */
    public static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean hasCode = false;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            int end;
            if (c == '-' && at(script, i + 1, '-')) {
                end = lineEnd(script, i);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == '/' && at(script, i + 1, '*')) {
                end = blockCommentEnd(script, i);
                current.append(script, i, end);
                i = end;
                continue;
            }
            if (c == ';') {
                if (hasCode) {
                    statements.add(current.toString().strip());
                }
                current.setLength(0);
                hasCode = false;
                i++;
                continue;
            }
            if (c == '\'') {
                boolean backslashes = i > 0 && (script.charAt(i - 1) == 'E' || script.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(script.charAt(i - 2)));
                end = quotedEnd(script, i, '\'', backslashes);
            } else if (c == '"') {
                end = quotedEnd(script, i, '"', false);
            } else if (c == '$') {
                end = dollarQuotedEnd(script, i);
            } else {
                end = i + 1;
            }
            if (!Character.isWhitespace(c)) {
                hasCode = true;
            }
            current.append(script, i, end);
            i = end;
        }
        if (hasCode) {
            statements.add(current.toString().strip());
        }
        return List.copyOf(statements);
    }

    private static boolean at(String s, int i, char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private static int lineEnd(String s, int from) {
        int nl = s.indexOf('\n', from);
        return nl < 0 ? s.length() : nl + 1;
    }

    private static int blockCommentEnd(String s, int from) {
        int depth = 0;
        int i = from;
        while (i < s.length()) {
            if (s.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (s.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** The index after the quote closing the one at {@code from}; a doubled quote is an escaped one. */
    private static int quotedEnd(String s, int from, char quote, boolean backslashes) {
        int i = from + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (at(s, i + 1, quote)) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** After the tag closing a {@code $tag$} body opened at {@code from}; a lone {@code $} is just a character. */
    private static int dollarQuotedEnd(String s, int from) {
        int i = from + 1;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        if (i >= s.length() || s.charAt(i) != '$' || (i > from + 1 && Character.isDigit(s.charAt(from + 1)))) {
            return from + 1;
        }
        String tag = s.substring(from, i + 1);
        int close = s.indexOf(tag, i + 1);
        return close < 0 ? s.length() : close + tag.length();
    }
}
