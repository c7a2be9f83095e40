package io.brokle.control.cli;

import io.brokle.control.ControlConfiguration;
import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.MigrationException;
import io.brokle.control.db.migrate.Migrator;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import net.sourceforge.argparse4j.inf.Subparsers;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code db}: the schema's command line, golang-migrate style.
 *
 * <pre>
 * db up [--dry-run] [N] [file]     apply all pending migrations, or the next N
 * db down [--dry-run] N [file]     roll back the last N
 * db status [file]                 every version: applied, pending, dirty, ...
 * db create NAME [--dir DIR]       write the next-numbered up/down files
 * db drop [--yes] [file]           drop every table and view of the schema
 * db force [--yes] V [file]        record version V, clean, running nothing
 * </pre>
 *
 * Without a file the commands use the embedded H2 database of the defaults. Reports go to
 * standard output; a refusal or failure is one {@code brokle: ...} message on standard error
 * and exit status 1.
 */
public final class DbCommand extends ConfiguredCommand<ControlConfiguration> {
    private static final String SUBCOMMAND = "subcommand";

    private final Map<String, DbSubcommand> subcommands = new LinkedHashMap<>();
    private final PrintStream out;
    private final InputStream in;

    public DbCommand() {
        this(System.out, System.in);
    }

    /** With the streams that reports go to and confirmations come from. */
    public DbCommand(PrintStream out, InputStream in) {
        super("db", "manage the database schema: migrations up and down, status, create, drop, force");
        this.out = Objects.requireNonNull(out, "out");
        this.in = Objects.requireNonNull(in, "in");
        for (DbSubcommand c : List.of(new UpCommand(), new DownCommand(), new StatusCommand(), new CreateCommand(),
                new DropCommand(), new ForceCommand())) {
            subcommands.put(c.name(), c);
        }
    }

    @Override
    protected Class<ControlConfiguration> getConfigurationClass() {
        return ControlConfiguration.class;
    }

    /** Each subcommand takes the configuration file itself, after its own arguments. */
    @Override
    public void configure(Subparser parser) {
        Subparsers commands = parser.addSubparsers().title("commands").metavar("COMMAND");
        for (DbSubcommand c : subcommands.values()) {
            Subparser p = commands.addParser(c.name()).setDefault(SUBCOMMAND, c.name())
                    .help(c.help()).description(c.help());
            c.configure(p);
        }
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        DbSubcommand command = subcommands.get(namespace.getString(SUBCOMMAND));
        if (!command.needsDatabase()) {
            command.run(namespace, new DbContext(null, null, out, reader()));
            return;
        }
        super.run(bootstrap, command.resolve(namespace));
    }

    @Override
    protected void run(Bootstrap<ControlConfiguration> bootstrap, Namespace namespace,
                       ControlConfiguration configuration) throws Exception {
        DataSourceFactory database = configuration.getDatabase();
        ManagedDataSource dataSource = database.build(bootstrap.getMetricRegistry(), "migrations");
        try {
            Migrator migrator = new Migrator(Jdbi.create(dataSource), ClasspathMigrations.shipped(), Clock.systemUTC());
            subcommands.get(namespace.getString(SUBCOMMAND))
                    .run(namespace, new DbContext(migrator, withoutParameters(database.getUrl()), out, reader()));
        } finally {
            dataSource.stop();
        }
    }

    /** Refusals and migration failures are messages for people, not stack traces. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof MigrationException || e instanceof CommandException) {
            cli.getStdErr().println("brokle: " + e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }

    private BufferedReader reader() {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /**
     * The URL up to its first parameter: {@code jdbc:postgresql://db:5432/brokle?password=...}
     * prints as {@code jdbc:postgresql://db:5432/brokle}, and H2's {@code ;MODE=...} goes too.
     */
    static String withoutParameters(String url) {
        int cut = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        return url.substring(0, cut);
    }
}
