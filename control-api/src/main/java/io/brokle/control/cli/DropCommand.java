package io.brokle.control.cli;

import java.util.List;
import java.util.Locale;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code db drop [--yes] [file]}: drops every table and view of the schema, after a typed yes. */
final class DropCommand extends DbSubcommand {
    DropCommand() {
        super("drop", "drop every table and view in the database's schema (all data is lost)");
    }

    @Override
    void configure(Subparser parser) {
        parser.addArgument("--yes", "-y").action(Arguments.storeTrue()).dest("yes")
                .help("do not ask for confirmation (for scripts)");
        addFileArgument(parser);
    }

    @Override
    void run(Namespace namespace, DbContext context) {
        String schema = context.migrator().schema();
        List<String> tables = context.migrator().tables();
        if (tables.isEmpty()) {
            context.out().println("nothing to drop: schema " + schema + " of " + context.database() + " is empty");
            return;
        }
        if (!namespace.getBoolean("yes")) {
            context.confirm(String.format(Locale.ROOT, "This drops %d tables and views, with all their data, "
                    + "from schema %s of %s:%n  %s", tables.size(), schema, context.database(),
                    String.join(", ", tables)), "not confirmed: nothing dropped");
        }
        List<String> dropped = context.migrator().drop();
        context.out().printf(Locale.ROOT, "dropped %d tables and views from schema %s%n", dropped.size(), schema);
    }
}
