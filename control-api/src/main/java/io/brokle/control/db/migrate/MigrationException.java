package io.brokle.control.db.migrate;

/**
 * A migration operation refused or failed; the message says what happened, what state the
 * database is left in, and what to do next. Commands print it as it is.
 */
public final class MigrationException extends RuntimeException {
    public MigrationException(String message) {
        super(message);
    }

    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
