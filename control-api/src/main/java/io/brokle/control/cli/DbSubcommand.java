package io.brokle.control.cli;

import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** One of {@code db up|down|status|create|drop|force}. */
abstract class DbSubcommand {
    static final String FILE = "file";

    private final String name;
    private final String help;

    DbSubcommand(String name, String help) {
        this.name = name;
        this.help = help;
    }

    final String name() {
        return name;
    }

    final String help() {
        return help;
    }

    /** Adds this subcommand's arguments; {@link #addFileArgument} goes last. */
    abstract void configure(Subparser parser);

    /** Whether {@link #run} needs the configuration and a {@link DbContext#migrator()}. */
    boolean needsDatabase() {
        return true;
    }

    /**
     * The parsed arguments as {@link #run} reads them, with {@value #FILE} (null for the
     * built-in defaults) where Dropwizard looks for the configuration file.
     */
    Namespace resolve(Namespace namespace) {
        return namespace;
    }

    abstract void run(Namespace namespace, DbContext context) throws Exception;

    static void addFileArgument(Subparser parser) {
        parser.addArgument(FILE).nargs("?")
                .help("application configuration file (default: the embedded H2 database under ./data)");
    }
}
