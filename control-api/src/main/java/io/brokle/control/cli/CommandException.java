package io.brokle.control.cli;

/** A command refused to go on (bad arguments, not confirmed); its message is printed as it is. */
public final class CommandException extends RuntimeException {
    public CommandException(String message) {
        super(message);
    }
}
