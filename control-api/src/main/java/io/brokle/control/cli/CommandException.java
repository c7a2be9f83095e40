package io.brokle.control.cli;

/** A command refused to go on (bad arguments, not confirmed); its message is printed as it is. */
final class CommandException extends RuntimeException {
    CommandException(String message) {
        super(message);
    }
}
