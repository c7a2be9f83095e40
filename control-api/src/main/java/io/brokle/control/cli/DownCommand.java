package io.brokle.control.cli;

import io.brokle.control.db.migrate.Migrator;
import java.util.List;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code db down [--dry-run] N [file]}: rolls back the last N applied migrations. */
final class DownCommand extends DbSubcommand {
    DownCommand() {
        super("down", "roll back the last N applied migrations");
    }

    @Override
    void configure(Subparser parser) {
        parser.addArgument("--dry-run").action(Arguments.storeTrue()).dest("dryRun")
                .help("print the SQL that would run; execute nothing");
        parser.addArgument("n").metavar("N").type(Integer.class).help("how many migrations to roll back (>= 1)");
        addFileArgument(parser);
    }

    @Override
    void run(Namespace namespace, DbContext context) {
        int steps = namespace.getInt("n");
        if (steps < 1) {
            throw new CommandException("N: " + steps + " (expected: >= 1)");
        }
        MigrationReport report = new MigrationReport(context.out(), context.migrator().migrations());
        if (namespace.getBoolean("dryRun")) {
            report.dryRun(context.migrator().planDown(steps), Migrator.Direction.DOWN);
            return;
        }
        List<Migrator.Step> done = context.migrator().down(steps, report::step);
        String summary = MigrationReport.summary(context.migrator().status());
        context.out().println(done.isEmpty() ? "nothing to roll back: " + summary : summary);
    }
}
