package io.brokle.control.cli;

import io.brokle.control.db.migrate.Migration;
import io.brokle.control.db.migrate.MigrationStatus;
import io.brokle.control.db.migrate.Migrator;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Prints migrations for people: one line per version, aligned columns, times in UTC. */
final class MigrationReport {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final PrintStream out;
    private final int nameWidth;

    MigrationReport(PrintStream out, List<Migration> known) {
        this.out = out;
        this.nameWidth = Math.max("NAME".length(), known.stream().mapToInt(m -> m.name().length()).max().orElse(0));
    }

    void status(MigrationStatus status) {
        line("VERSION", "NAME", "STATE", "APPLIED AT");
        for (MigrationStatus.Entry e : status.entries()) {
            line(Migration.formatVersion(e.version()), e.name() == null ? "(no file)" : e.name(),
                    e.state().label(), e.appliedAt() == null ? "" : time(e.appliedAt()));
        }
        out.println(summary(status));
    }

    void step(Migrator.Step step) {
        line(Migration.formatVersion(step.migration().version()), step.migration().name(),
                step.direction() == Migrator.Direction.UP ? "applied" : "rolled back",
                String.format(Locale.ROOT, "%d ms", step.took().toMillis()));
    }

    /** Prints the scripts that would run, as written, under a header naming each migration. */
    void dryRun(List<Migration> plan, Migrator.Direction direction) {
        for (Migration m : plan) {
            String sql = direction == Migrator.Direction.UP ? m.upSql() : m.downSql();
            out.printf(Locale.ROOT, "-- %s (%s)%n%s%n%n", m.label(), direction == Migrator.Direction.UP ? "up" : "down",
                    sql.strip());
        }
        out.printf(Locale.ROOT, "dry run: %d %s would be %s; nothing was executed%n", plan.size(),
                plan.size() == 1 ? "migration" : "migrations",
                direction == Migrator.Direction.UP ? "applied" : "rolled back");
    }

    static String summary(MigrationStatus status) {
        if (status.dirty().isPresent()) {
            return "dirty at " + status.dirty().get().label() + ": repair the schema by hand, then `db force VERSION`";
        }
        String at = status.version() == 0 ? "nothing applied" : "at version " + Migration.formatVersion(status.version());
        if (!status.outOfOrder().isEmpty()) {
            return at + "; not applied although newer ones are: "
                    + String.join(", ", status.outOfOrder().stream().map(MigrationStatus.Entry::label).toList());
        }
        int pending = status.pending().size();
        return pending == 0 ? at + ", up to date" : String.format(Locale.ROOT, "%s; %d pending (`db up`)", at, pending);
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    private void line(String version, String name, String state, String time) {
        out.println(String.format(Locale.ROOT, "%-7s  %-" + nameWidth + "s  %-12s  %s", version, name, state, time).stripTrailing());
    }
}
