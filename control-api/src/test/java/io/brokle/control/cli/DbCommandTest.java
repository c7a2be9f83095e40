package io.brokle.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.ControlApplication;
import io.brokle.control.ControlConfiguration;
import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.Migration;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code db ...} as a person types it, against an H2 file named in a configuration file. */
class DbCommandTest {
    /** Counts follow the shipped migrations, so adding one needs no edit here. */
    private static final List<Migration> SHIPPED = ClasspathMigrations.shipped();
    private static final int COUNT = SHIPPED.size();
    private static final String LAST = String.format(Locale.ROOT, "%04d", SHIPPED.get(COUNT - 1).version());
    @TempDir
    Path dir;

    private Path config;

    /** What one command printed and whether it failed. */
    private record Run(String out, String err, Optional<Throwable> failure) {
        boolean ok() {
            return failure.isEmpty();
        }
    }

    @BeforeEach
    void writeConfiguration() throws Exception {
        config = dir.resolve("control.yml");
        Files.writeString(config, String.format(Locale.ROOT, """
                database:
                  driverClass: org.h2.Driver
                  url: "jdbc:h2:file:%s%s"
                  user: brokle
                  password: ""
                logging:
                  level: WARN
                """, dir.resolve("control"), ControlConfiguration.H2_SETTINGS));
    }

    /** Runs {@code db args...} with {@code input} on standard input. */
    private Run typing(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Bootstrap<ControlConfiguration> bootstrap = new Bootstrap<>(new ControlApplication());
        bootstrap.addCommand(new DbCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))));
        Cli cli = new Cli(new JarLocation(getClass()), bootstrap, out, err);
        String[] line = Stream.concat(Stream.of("db"), Stream.of(args)).toArray(String[]::new);
        Optional<Throwable> failure = cli.run(line);
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), failure);
    }

    private Run db(String... args) {
        return typing("", args);
    }

    @Test
    void statusShowsEveryVersionWithItsState() {
        Run run = db("status", config.toString());

        assertTrue(run.ok(), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.get(0).startsWith("database jdbc:h2:file:"), lines.get(0));
        assertTrue(lines.get(0).endsWith("/control, schema public"), "no URL parameters: " + lines.get(0));
        assertEquals("VERSION  NAME                          STATE         APPLIED AT", lines.get(1));
        assertEquals("0001     create_tenancy                pending", lines.get(2));
        assertEquals("0005     create_audit_log              pending", lines.get(6));
        assertEquals("nothing applied; " + COUNT + " pending (`db up`)", lines.get(2 + COUNT));
    }

    @Test
    void upAndDownPrintOneLinePerMigration() {
        Run up = db("up", "2", config.toString());

        assertTrue(up.ok(), up.err());
        List<String> lines = up.out().lines().toList();
        assertEquals(3, lines.size(), up.out());
        assertTrue(lines.get(0).matches("0001     create_tenancy                applied       \\d+ ms"), lines.get(0));
        assertTrue(lines.get(1).startsWith("0002     create_users_and_memberships  applied"), lines.get(1));
        assertEquals("at version 0002; " + (COUNT - 2) + " pending (`db up`)", lines.get(2));

        Run down = db("down", "1", config.toString());
        assertTrue(down.ok(), down.err());
        assertTrue(down.out().startsWith("0002     create_users_and_memberships  rolled back"), down.out());
        assertTrue(down.out().endsWith("at version 0001; " + (COUNT - 1) + " pending (`db up`)\n"), down.out());

        Run status = db("status", config.toString());
        assertTrue(status.out().matches("(?s).*0001     create_tenancy                applied       "
                + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\n.*"), status.out());
    }

    @Test
    void upTakesALoneFileArgumentAsTheFile() {
        Run run = db("up", config.toString());

        assertTrue(run.ok(), run.err());
        assertTrue(run.out().endsWith("at version " + LAST + ", up to date\n"), run.out());
        assertEquals("nothing to apply: at version " + LAST + ", up to date\n", db("up", config.toString()).out());
    }

    @Test
    void dryRunPrintsTheSqlAndRunsNothing() {
        Run run = db("up", "--dry-run", config.toString());

        assertTrue(run.ok(), run.err());
        assertTrue(run.out().startsWith("-- 0001 create_tenancy (up)\n-- Tenancy: organization -> project"), run.out());
        assertTrue(run.out().contains("create table organizations ("), run.out());
        assertTrue(run.out().endsWith("dry run: " + COUNT + " migrations would be applied; nothing was executed\n"),
                run.out());
        assertTrue(db("status", config.toString()).out().contains("nothing applied; " + COUNT + " pending"));
    }

    @Test
    void dropNeedsATypedYes() {
        db("up", config.toString());

        Run refused = typing("no\n", "drop", config.toString());

        assertTrue(refused.failure().isPresent());
        assertTrue(refused.out().contains("This drops 14 tables and views, with all their data, from schema public"),
                refused.out());
        assertTrue(refused.out().contains("Type yes to continue: "), refused.out());
        assertEquals("brokle: not confirmed: nothing dropped\n", refused.err());
        assertTrue(db("status", config.toString()).out().contains("at version " + LAST + ", up to date"));

        Run confirmed = typing("yes\n", "drop", config.toString());
        assertTrue(confirmed.ok(), confirmed.err());
        assertTrue(confirmed.out().endsWith("dropped 14 tables and views from schema public\n"), confirmed.out());
        assertTrue(db("status", config.toString()).out().contains("nothing applied; " + COUNT + " pending"));
    }

    @Test
    void scriptsConfirmWithAFlagAndGetPlainErrors() {
        Run noInput = db("force", "3", config.toString());
        assertEquals("brokle: not confirmed: nothing recorded (no input; pass --yes in scripts)\n", noInput.err());

        Run forced = db("force", "--yes", "3", config.toString());
        assertTrue(forced.ok(), forced.err());
        assertEquals("forced: at version 0003; " + (COUNT - 3) + " pending (`db up`)\n", forced.out());

        Run unknown = db("force", "-y", "42", config.toString());
        assertEquals("brokle: cannot force version 42: no such migration (expected: 0 for none, or one of "
                + SHIPPED.stream().map(Migration::version).toList() + ")\n", unknown.err());

        Run badSteps = db("up", "0", config.toString());
        assertEquals("brokle: N: 0 (expected: a number of migrations, >= 1)\n", badSteps.err());
    }

    @Test
    void createWritesTheNextNumberedPair() throws Exception {
        Path migrations = Files.createDirectory(dir.resolve("migrations"));
        Files.writeString(migrations.resolve("V0001__first.up.sql"), "");
        Files.writeString(migrations.resolve("V0007__seventh.down.sql"), "");

        Run run = db("create", "add_budgets", "--dir", migrations.toString());

        assertTrue(run.ok(), run.err());
        Path up = migrations.resolve("V0008__add_budgets.up.sql");
        Path down = migrations.resolve("V0008__add_budgets.down.sql");
        assertEquals("created " + up + "\ncreated " + down + "\n", run.out());
        assertTrue(Files.readString(up).startsWith("-- 0008 add_budgets: up."));
        assertTrue(Files.readString(down).startsWith("-- 0008 add_budgets: down"));

        Run badName = db("create", "Add-Budgets", "--dir", migrations.toString());
        assertTrue(badName.err().startsWith("brokle: NAME: \"Add-Budgets\" (expected: lower_snake_case"), badName.err());
    }
}
