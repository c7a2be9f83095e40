package io.brokle.control.cli;

import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.Migration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code db create NAME [--dir DIR]}: writes the next-numbered pair of empty migration files
 * into the source tree (found from the repository root or from {@code control-api/}).
 */
final class CreateCommand extends DbSubcommand {
    /** Where the shipped migrations live in the source tree, relative to the module. */
    static final String MODULE_DIR = "src/main/resources/" + ClasspathMigrations.SHIPPED;
    private static final List<String> SEARCHED = List.of("control-api/" + MODULE_DIR, MODULE_DIR);
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(?:_[a-z0-9]+)*");

    CreateCommand() {
        super("create", "write the next-numbered up/down migration files (needs no database)");
    }

    @Override
    void configure(Subparser parser) {
        parser.addArgument("name").metavar("NAME").help("what the migration does, in lower_snake_case");
        parser.addArgument("--dir").metavar("DIR")
                .help("the migrations folder (default: " + SEARCHED.get(0) + " or " + SEARCHED.get(1) + ")");
    }

    @Override
    boolean needsDatabase() {
        return false;
    }

    @Override
    void run(Namespace namespace, DbContext context) throws IOException {
        String name = namespace.getString("name");
        if (name.length() > 100 || !NAME.matcher(name).matches()) {
            throw new CommandException("NAME: \"" + name + "\" (expected: lower_snake_case, a-z and 0-9 words "
                    + "joined by _, at most 100 characters)");
        }
        Path dir = directory(namespace.getString("dir"));
        long version = nextVersion(dir);
        String base = "V" + Migration.formatVersion(version) + "__" + name;
        Path up = dir.resolve(base + ".up.sql");
        Path down = dir.resolve(base + ".down.sql");
        String label = Migration.formatVersion(version) + " " + name;
        write(up, "-- " + label + ": up. Runs unchanged on PostgreSQL 15+ and H2 (PostgreSQL mode); the rules\n"
                + "-- are in V0001's header. Statements end with ';'.\n\n");
        write(down, "-- " + label + ": down, the exact inverse of the up script.\n\n");
        context.out().println("created " + up);
        context.out().println("created " + down);
    }

    private static Path directory(String option) {
        if (option != null) {
            Path dir = Path.of(option);
            if (!Files.isDirectory(dir)) {
                throw new CommandException("--dir: " + option + " is not a directory");
            }
            return dir;
        }
        for (String candidate : SEARCHED) {
            if (Files.isDirectory(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new CommandException("no migrations folder here (looked for " + String.join(" and ", SEARCHED)
                + "); run from the repository root or pass --dir");
    }

    private static long nextVersion(Path dir) throws IOException {
        long highest = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Matcher m = ClasspathMigrations.FILE_NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    highest = Math.max(highest, Long.parseLong(m.group(1)));
                }
            }
        }
        return highest + 1;
    }

    private static void write(Path file, String text) throws IOException {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new CommandException(String.format(Locale.ROOT, "%s already exists", file));
        }
    }
}
