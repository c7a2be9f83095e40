package io.brokle.control.db;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Tells which rule a failed write broke, the same way on PostgreSQL and H2: both report the
 * SQL standard's states (23505 unique, 23503 foreign key) and name the constraint in the message.
 */
public final class Constraints {
    private Constraints() {
    }

    /** Whether {@code e} (or a cause) is a unique violation of {@code constraint}. */
    public static boolean isUniqueViolation(Throwable e, String constraint) {
        SQLException sql = sqlException(e);
        return sql != null && "23505".equals(sql.getSQLState()) && names(sql, constraint);
    }

    /** Whether {@code e} (or a cause) is a foreign key violation (of any constraint). */
    public static boolean isForeignKeyViolation(Throwable e) {
        SQLException sql = sqlException(e);
        return sql != null && "23503".equals(sql.getSQLState());
    }

    private static boolean names(SQLException e, String constraint) {
        String message = e.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains(constraint);
    }

    private static SQLException sqlException(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
