package io.brokle.control.db.migrate;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Applies and rolls back numbered migrations with golang-migrate's semantics, on PostgreSQL
 * and on H2 in PostgreSQL mode.
 *
 * <p>The table {@value #TABLE} holds one row per applied version: {@code (version, dirty,
 * applied_at)}. Applying a version first records it as dirty and commits, then runs its
 * statements and clears the flag in one transaction. If a statement fails (or the process
 * dies) the row stays dirty; PostgreSQL has rolled the statements back, H2 (whose DDL commits
 * at once) may keep some of them. While any version is dirty, {@code up} and {@code down}
 * refuse to run until a person has looked at the schema and {@linkplain #force recorded} where
 * it stands. Rolling back mirrors this: mark dirty, then run the down statements and delete
 * the row together.
 *
 * <p>On PostgreSQL every changing operation holds a session advisory lock, so control-api
 * nodes that migrate on start take turns instead of racing; each sees the others' work and
 * has nothing left to do.
 *
 * <p>Statements go to the driver as written (not through Jdbi's parser, which would read
 * {@code :name} and {@code ?} as parameters).
 */
public final class Migrator {
    /** The table that records applied versions. */
    public static final String TABLE = "schema_migrations";

    /** For {@link #up}: every pending migration. */
    public static final int ALL = Integer.MAX_VALUE;

    private static final long LOCK_KEY = 0x62726f6b6c65L; // "brokle"
    private static final Set<String> DROPPABLE = Set.of("TABLE", "BASE TABLE", "PARTITIONED TABLE", "VIEW");

    private final Jdbi jdbi;
    private final Map<Long, Migration> known;
    private final Clock clock;

    /** Whether a step applied or rolled back its migration. */
    public enum Direction { UP, DOWN }

    /**
     * One migration applied or rolled back.
     *
     * @param took the time its statements and bookkeeping took
     */
    public record Step(Migration migration, Direction direction, Duration took) {
    }

    /**
     * @param migrations the known migrations, any order, versions distinct
     * @param clock      for {@code applied_at}
     */
    public Migrator(Jdbi jdbi, List<Migration> migrations, Clock clock) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.clock = Objects.requireNonNull(clock, "clock");
        Map<Long, Migration> byVersion = new TreeMap<>();
        for (Migration m : migrations) {
            Migration previous = byVersion.put(m.version(), m);
            if (previous != null) {
                throw new IllegalArgumentException("migrations: version " + Migration.formatVersion(m.version())
                        + " twice (" + previous.name() + ", " + m.name() + ")");
            }
        }
        this.known = byVersion;
    }

    /** The known migrations in version order. */
    public List<Migration> migrations() {
        return List.copyOf(known.values());
    }

    /** Where the database stands; reads only, creates nothing. */
    public MigrationStatus status() {
        try (Handle handle = jdbi.open()) {
            return status(handle);
        }
    }

    /**
     * The migrations {@link #up} would apply, in order, without changing anything (a dry run).
     *
     * @param steps how many at most, {@link #ALL} for every pending one
     * @throws MigrationException when the database is dirty or has out-of-order versions
     */
    public List<Migration> planUp(int steps) {
        return planUp(status(), steps);
    }

    /**
     * The migrations {@link #down} would roll back, newest first, without changing anything.
     *
     * @param steps how many at most (fewer when fewer are applied)
     * @throws MigrationException when the database is dirty or an applied version has no file
     */
    public List<Migration> planDown(int steps) {
        return planDown(status(), steps);
    }

    /**
     * Applies up to {@code steps} pending migrations in version order, each in its own
     * transaction, reporting each to {@code progress} as it finishes.
     *
     * @return what was applied; empty when the schema was already up to date
     * @throws MigrationException when the database is dirty or out of order (nothing runs), or
     *                            when a migration fails (the ones before it stay applied, it is
     *                            left dirty)
     */
    public List<Step> up(int steps, Consumer<Step> progress) {
        return locked(handle -> {
            createTableIfMissing(handle);
            List<Step> done = new ArrayList<>();
            for (Migration m : planUp(status(handle), steps)) {
                Step step = apply(handle, m);
                done.add(step);
                progress.accept(step);
            }
            return done;
        });
    }

    /**
     * Rolls back up to {@code steps} applied migrations, newest first, each in its own
     * transaction, reporting each to {@code progress} as it finishes.
     *
     * @throws MigrationException when the database is dirty or an applied version has no file
     *                            (nothing runs), or when a down script fails (it is left dirty)
     */
    public List<Step> down(int steps, Consumer<Step> progress) {
        return locked(handle -> {
            createTableIfMissing(handle);
            List<Step> done = new ArrayList<>();
            for (Migration m : planDown(status(handle), steps)) {
                Step step = rollBack(handle, m);
                done.add(step);
                progress.accept(step);
            }
            return done;
        });
    }

    /**
     * Records that the schema stands exactly at {@code version}, without running any
     * migration: versions above it are forgotten, known versions up to it are recorded as
     * applied, and the dirty flag is cleared. For after a person has repaired a failed migration.
     *
     * @param version 0 (nothing applied), a known version, or one recorded in the table
     * @throws MigrationException for any other version
     */
    public void force(long version) {
        locked(handle -> {
            createTableIfMissing(handle);
            MigrationStatus status = status(handle);
            boolean recorded = status.entries().stream()
                    .anyMatch(e -> e.version() == version && e.state() != MigrationStatus.State.PENDING
                            && e.state() != MigrationStatus.State.OUT_OF_ORDER);
            if (version < 0 || (version > 0 && !known.containsKey(version) && !recorded)) {
                throw new MigrationException(String.format(Locale.ROOT,
                        "cannot force version %d: no such migration (expected: 0 for none, or one of %s)",
                        version, known.keySet()));
            }
            Instant now = now();
            handle.useTransaction(h -> {
                h.createUpdate("delete from " + TABLE + " where version > :v").bind("v", version).execute();
                h.createUpdate("update " + TABLE + " set dirty = false where dirty").execute();
                for (long v : known.keySet()) {
                    if (v <= version && status.entries().stream().noneMatch(e -> e.version() == v
                            && e.appliedAt() != null)) {
                        insertRow(h, v, false, now);
                    }
                }
            });
            return null;
        });
    }

    /** The schema migrations work in: the connection's current schema. */
    public String schema() {
        try (Handle handle = jdbi.open()) {
            return handle.getConnection().getSchema();
        } catch (SQLException e) {
            throw new MigrationException("cannot read the current schema: " + e.getMessage(), e);
        }
    }

    /** The tables and views of the current schema, {@value #TABLE} included, by name. */
    public List<String> tables() {
        try (Handle handle = jdbi.open()) {
            return List.copyOf(droppable(handle.getConnection()).keySet());
        } catch (SQLException e) {
            throw new MigrationException("cannot list tables: " + e.getMessage(), e);
        }
    }

    /**
     * Drops every table and view of the current schema, {@value #TABLE} included, in one
     * transaction. Other schemas are not touched.
     *
     * @return the names dropped
     */
    public List<String> drop() {
        return locked(handle -> handle.inTransaction(h -> {
            Map<String, String> objects = droppable(h.getConnection());
            try (Statement statement = h.getConnection().createStatement()) {
                // Views first: dropping a table with cascade may already take its views along.
                for (boolean views : new boolean[] {true, false}) {
                    for (Map.Entry<String, String> o : objects.entrySet()) {
                        if (o.getValue().equals("VIEW") == views) {
                            statement.execute("drop " + (views ? "view" : "table") + " if exists "
                                    + quote(o.getKey()) + " cascade");
                        }
                    }
                }
            }
            return List.copyOf(objects.keySet());
        }));
    }

    private List<Migration> planUp(MigrationStatus status, int steps) {
        requireSteps(steps);
        requireClean(status);
        List<MigrationStatus.Entry> late = status.outOfOrder();
        if (!late.isEmpty()) {
            throw new MigrationException(String.format(Locale.ROOT,
                    "%s %s older than the applied version %s and not applied; renumber %s after %s "
                            + "(or, if the schema already has %s, record it with `db force`)",
                    late.stream().map(MigrationStatus.Entry::label).toList(), late.size() == 1 ? "is" : "are",
                    Migration.formatVersion(status.version()), late.size() == 1 ? "it" : "them",
                    Migration.formatVersion(status.version()), late.size() == 1 ? "it" : "them"));
        }
        return status.pending().stream().limit(steps).map(e -> known.get(e.version())).toList();
    }

    private List<Migration> planDown(MigrationStatus status, int steps) {
        requireSteps(steps);
        requireClean(status);
        List<Migration> plan = new ArrayList<>();
        for (MigrationStatus.Entry e : status.appliedNewestFirst()) {
            if (plan.size() == steps) {
                break;
            }
            if (e.state() == MigrationStatus.State.MISSING) {
                throw new MigrationException(String.format(Locale.ROOT,
                        "%s is applied but its files are gone, so it cannot be rolled back; restore them, "
                                + "or record the schema as it stands with `db force`", e.label()));
            }
            plan.add(known.get(e.version()));
        }
        return plan;
    }

    private static void requireSteps(int steps) {
        if (steps < 1) {
            throw new MigrationException("steps: " + steps + " (expected: >= 1)");
        }
    }

    private static void requireClean(MigrationStatus status) {
        status.dirty().ifPresent(e -> {
            long before = status.entries().stream().mapToLong(MigrationStatus.Entry::version)
                    .filter(v -> v < e.version()).max().orElse(0);
            throw new MigrationException(String.format(Locale.ROOT,
                    "the database is dirty at %s: a migration failed or was interrupted half way. Repair the "
                            + "schema by hand, then record where it stands: `db force %d` if %s is fully applied, "
                            + "`db force %d` if it is fully undone", e.label(), e.version(),
                    Migration.formatVersion(e.version()), before));
        });
    }

    private Step apply(Handle handle, Migration m) {
        long start = System.nanoTime();
        handle.useTransaction(h -> insertRow(h, m.version(), true, now()));
        run(handle, m, Direction.UP, m.upStatements(), h ->
                h.createUpdate("update " + TABLE + " set dirty = false, applied_at = :at where version = :v")
                        .bind("at", now()).bind("v", m.version()).execute());
        return new Step(m, Direction.UP, Duration.ofNanos(System.nanoTime() - start));
    }

    private Step rollBack(Handle handle, Migration m) {
        long start = System.nanoTime();
        handle.useTransaction(h -> h.createUpdate("update " + TABLE + " set dirty = true where version = :v")
                .bind("v", m.version()).execute());
        run(handle, m, Direction.DOWN, m.downStatements(), h ->
                h.createUpdate("delete from " + TABLE + " where version = :v").bind("v", m.version()).execute());
        return new Step(m, Direction.DOWN, Duration.ofNanos(System.nanoTime() - start));
    }

    /** Runs {@code statements} and then {@code bookkeeping} in one transaction. */
    private void run(Handle handle, Migration m, Direction direction, List<String> statements,
                     Consumer<Handle> bookkeeping) {
        int[] at = {0};
        try {
            handle.useTransaction(h -> {
                try (Statement statement = h.getConnection().createStatement()) {
                    for (String sql : statements) {
                        at[0]++;
                        statement.execute(sql);
                    }
                }
                at[0] = 0;
                bookkeeping.accept(h);
            });
        } catch (Exception e) {
            Throwable cause = e instanceof SQLException ? e : (e.getCause() != null ? e.getCause() : e);
            String where = at[0] == 0 ? "while recording it"
                    : String.format(Locale.ROOT, "at statement %d of %d", at[0], statements.size());
            String message = String.format(Locale.ROOT, "%s %s failed %s: %s%s%nThe database is now dirty at %s; "
                            + "nothing more was run.",
                    m.label(), direction == Direction.UP ? "up" : "down", where, cause.getMessage(),
                    at[0] == 0 ? "" : "\n  statement: " + abbreviate(statements.get(at[0] - 1)),
                    Migration.formatVersion(m.version()));
            throw new MigrationException(message, e);
        }
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + " ...";
    }

    private MigrationStatus status(Handle handle) {
        Map<Long, Row> rows = new TreeMap<>();
        if (tableExists(handle)) {
            handle.createQuery("select version, dirty, applied_at from " + TABLE + " order by version")
                    .map((rs, ctx) -> new Row(rs.getLong(1), rs.getBoolean(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant()))
                    .forEach(r -> rows.put(r.version, r));
        }
        long highest = rows.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
        Map<Long, MigrationStatus.Entry> entries = new TreeMap<>();
        for (Migration m : known.values()) {
            Row row = rows.get(m.version());
            MigrationStatus.State state = row != null
                    ? (row.dirty ? MigrationStatus.State.DIRTY : MigrationStatus.State.APPLIED)
                    : (m.version() < highest ? MigrationStatus.State.OUT_OF_ORDER : MigrationStatus.State.PENDING);
            entries.put(m.version(), new MigrationStatus.Entry(m.version(), m.name(), state,
                    row == null ? null : row.appliedAt));
        }
        for (Row row : rows.values()) {
            if (!known.containsKey(row.version)) {
                entries.put(row.version, new MigrationStatus.Entry(row.version, null,
                        row.dirty ? MigrationStatus.State.DIRTY : MigrationStatus.State.MISSING, row.appliedAt));
            }
        }
        return new MigrationStatus(List.copyOf(entries.values()));
    }

    private record Row(long version, boolean dirty, Instant appliedAt) {
    }

    private static boolean tableExists(Handle handle) {
        try {
            Connection c = handle.getConnection();
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), TABLE, null)) {
                while (rs.next()) {
                    if (TABLE.equals(rs.getString("TABLE_NAME"))) {
                        return true;
                    }
                }
                return false;
            }
        } catch (SQLException e) {
            throw new MigrationException("cannot look for " + TABLE + ": " + e.getMessage(), e);
        }
    }

    private static void createTableIfMissing(Handle handle) {
        if (!tableExists(handle)) {
            handle.useTransaction(h -> h.execute("create table " + TABLE + " (version bigint primary key, "
                    + "dirty boolean not null, applied_at timestamp with time zone not null)"));
        }
    }

    private static void insertRow(Handle h, long version, boolean dirty, Instant at) {
        h.createUpdate("insert into " + TABLE + " (version, dirty, applied_at) values (:v, :dirty, :at)")
                .bind("v", version).bind("dirty", dirty).bind("at", at).execute();
    }

    /** Tables and views of the current schema, name to {@code VIEW} or {@code TABLE}, sorted by name. */
    private static Map<String, String> droppable(Connection c) throws SQLException {
        Map<String, String> objects = new TreeMap<>();
        DatabaseMetaData meta = c.getMetaData();
        try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), "%", null)) {
            while (rs.next()) {
                String type = rs.getString("TABLE_TYPE");
                if (type != null && DROPPABLE.contains(type.toUpperCase(Locale.ROOT))) {
                    objects.put(rs.getString("TABLE_NAME"), type.equalsIgnoreCase("VIEW") ? "VIEW" : "TABLE");
                }
            }
        }
        return new LinkedHashMap<>(objects);
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static void advisoryLock(Connection c, String function, long key) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("select " + function + "(?)")) {
            statement.setLong(1, key);
            statement.execute();
        }
    }

    private interface LockedWork<T> {
        T run(Handle handle) throws SQLException;
    }

    /** Runs {@code work} on one connection, holding the migration lock on PostgreSQL. */
    private <T> T locked(LockedWork<T> work) {
        try (Handle handle = jdbi.open()) {
            Connection c = handle.getConnection();
            boolean postgres = c.getMetaData().getDatabaseProductName().equalsIgnoreCase("PostgreSQL");
            long key = LOCK_KEY ^ Objects.hashCode(c.getSchema());
            if (postgres) {
                advisoryLock(c, "pg_advisory_lock", key);
            }
            try {
                return work.run(handle);
            } finally {
                if (postgres) {
                    advisoryLock(c, "pg_advisory_unlock", key);
                }
            }
        } catch (SQLException e) {
            throw new MigrationException(e.getMessage(), e);
        }
    }
}
