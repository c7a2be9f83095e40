package io.brokle.control.cli;

import io.brokle.control.db.migrate.Migrator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code db up [--dry-run] [N] [file]}: applies all pending migrations, or the next N. */
final class UpCommand extends DbSubcommand {
    private static final String STEPS = "n";

    UpCommand() {
        super("up", "apply pending migrations: all of them, or the next N");
    }

    @Override
    void configure(Subparser parser) {
        parser.addArgument("--dry-run").action(Arguments.storeTrue()).dest("dryRun")
                .help("print the SQL that would run; execute nothing");
        parser.addArgument(STEPS).metavar("N").nargs("?").help("apply only the next N migrations (default: all)");
        addFileArgument(parser);
    }

    /** {@code db up control.yml}: a lone argument that is not a number is the file. */
    @Override
    Namespace resolve(Namespace namespace) {
        String n = namespace.getString(STEPS);
        if (namespace.getString(FILE) != null || n == null || isNumber(n)) {
            return namespace;
        }
        Map<String, Object> attrs = new HashMap<>(namespace.getAttrs());
        attrs.put(FILE, n);
        attrs.put(STEPS, null);
        return new Namespace(attrs);
    }

    @Override
    void run(Namespace namespace, DbContext context) {
        int steps = steps(namespace);
        MigrationReport report = new MigrationReport(context.out(), context.migrator().migrations());
        if (namespace.getBoolean("dryRun")) {
            report.dryRun(context.migrator().planUp(steps), Migrator.Direction.UP);
            return;
        }
        List<Migrator.Step> done = context.migrator().up(steps, report::step);
        String summary = MigrationReport.summary(context.migrator().status());
        context.out().println(done.isEmpty() ? "nothing to apply: " + summary : summary);
    }

    private int steps(Namespace namespace) {
        String n = namespace.getString(STEPS);
        if (n == null) {
            return Migrator.ALL;
        }
        if (!isNumber(n) || Long.parseLong(n) < 1 || Long.parseLong(n) > Integer.MAX_VALUE) {
            throw new CommandException("N: " + n + " (expected: a number of migrations, >= 1)");
        }
        return Integer.parseInt(n);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() <= 18 && s.chars().allMatch(Character::isDigit);
    }
}
