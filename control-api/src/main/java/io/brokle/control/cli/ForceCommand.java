package io.brokle.control.cli;

import io.brokle.control.db.migrate.Migration;
import java.util.Locale;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code db force [--yes] V [file]}: records that the schema stands at version V and is clean,
 * without running anything; for after repairing a failed migration by hand.
 */
final class ForceCommand extends DbSubcommand {
    ForceCommand() {
        super("force", "record version V as the current one and clear the dirty flag, running nothing");
    }

    @Override
    void configure(Subparser parser) {
        parser.addArgument("--yes", "-y").action(Arguments.storeTrue()).dest("yes")
                .help("do not ask for confirmation (for scripts)");
        parser.addArgument("v").metavar("V").type(Long.class)
                .help("the version the schema now stands at (0: nothing applied)");
        addFileArgument(parser);
    }

    @Override
    void run(Namespace namespace, DbContext context) {
        long version = namespace.getLong("v");
        if (!namespace.getBoolean("yes")) {
            context.confirm(String.format(Locale.ROOT, "This records %s as the schema's version of %s without "
                    + "running any migration; later versions are forgotten, earlier ones marked applied.",
                    version == 0 ? "0 (nothing applied)" : Migration.formatVersion(version), context.database()),
                    "not confirmed: nothing recorded");
        }
        context.migrator().force(version);
        context.out().println("forced: " + MigrationReport.summary(context.migrator().status()));
    }
}
