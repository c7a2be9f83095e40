package io.brokle.control.cli;

import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code db status [file]}: every version with its state (applied, pending, dirty, ...) and time. */
final class StatusCommand extends DbSubcommand {
    StatusCommand() {
        super("status", "show applied, pending and dirty migrations");
    }

    @Override
    void configure(Subparser parser) {
        addFileArgument(parser);
    }

    @Override
    void run(Namespace namespace, DbContext context) {
        context.out().println("database " + context.database() + ", schema " + context.migrator().schema());
        new MigrationReport(context.out(), context.migrator().migrations()).status(context.migrator().status());
    }
}
