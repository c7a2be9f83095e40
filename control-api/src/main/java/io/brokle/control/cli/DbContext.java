package io.brokle.control.cli;

import io.brokle.control.db.migrate.Migrator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * What a {@code db} subcommand works with.
 *
 * @param migrator the database's migrator; null for subcommands that need no database
 * @param database the database URL without its parameters (which may hold a password)
 * @param out      where the command's report goes
 * @param in       where confirmations are read
 */
record DbContext(Migrator migrator, String database, PrintStream out, BufferedReader in) {
    /**
     * Asks {@code question} and waits for a typed {@code yes}; anything else, or the end of
     * input, refuses.
     *
     * @throws CommandException when the answer is not {@code yes}
     */
    void confirm(String question, String refused) {
        out.print(question + System.lineSeparator() + "Type yes to continue: ");
        out.flush();
        String answer;
        try {
            answer = in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (answer == null) {
            out.println();
        }
        if (answer == null || !answer.strip().equals("yes")) {
            throw new CommandException(refused + (answer == null ? " (no input; pass --yes in scripts)" : ""));
        }
    }
}
