package io.brokle.control.db.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.brokle.control.db.migrate.MigrationStatus.State;
import io.brokle.control.testing.BothDatabases;
import io.brokle.control.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

class MigratorTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30.123456Z");
    private static final List<String> SHIPPED_TABLES = List.of("organizations", "projects", "environments", "users",
            "memberships", "virtual_keys", "providers", "audit_log", "sessions", "invitations",
            "deployments", "routes", "environment_snapshots");
    /** Counts follow the shipped migrations, so adding one needs no edit here. */
    private static final List<Migration> SHIPPED = ClasspathMigrations.shipped();
    private static final int COUNT = SHIPPED.size();
    private static final long LAST = SHIPPED.get(COUNT - 1).version();

    private static Migrator shipped(TestDatabase db) {
        return new Migrator(db.jdbi(), ClasspathMigrations.shipped(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Migrator failing(TestDatabase db) {
        return new Migrator(db.jdbi(), ClasspathMigrations.load(MigratorTest.class.getClassLoader(),
                "io/brokle/control/db/migrate/failing"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static List<State> states(Migrator migrator) {
        return migrator.status().entries().stream().map(MigrationStatus.Entry::state).toList();
    }

    @BothDatabases
    void upAppliesEveryMigrationInOrderAndStatusShowsThem(TestDatabase db) {
        Migrator migrator = shipped(db);
        assertEquals(Collections.nCopies(COUNT, State.PENDING), states(migrator));

        List<Long> reported = new ArrayList<>();
        List<Migrator.Step> steps = migrator.up(Migrator.ALL, step -> reported.add(step.migration().version()));

        assertEquals(SHIPPED.stream().map(Migration::version).toList(), reported);
        assertEquals(COUNT, steps.size());
        MigrationStatus status = migrator.status();
        assertEquals(LAST, status.version());
        assertTrue(status.isUpToDate());
        for (MigrationStatus.Entry e : status.entries()) {
            assertEquals(State.APPLIED, e.state(), e.label());
            assertEquals(NOW, e.appliedAt(), e.label());
        }
        for (String table : SHIPPED_TABLES) {
            assertTrue(db.hasTable(table), table);
        }
        assertEquals(List.of(), migrator.up(Migrator.ALL, step -> { }), "a second up has nothing to do");
    }

    @BothDatabases
    void upWithStepsAppliesOnlyThatMany(TestDatabase db) {
        Migrator migrator = shipped(db);
        migrator.up(2, step -> { });

        assertEquals(List.of(State.APPLIED, State.APPLIED), states(migrator).subList(0, 2));
        assertEquals(Collections.nCopies(COUNT - 2, State.PENDING), states(migrator).subList(2, COUNT));
        assertEquals(2, migrator.status().version());
        assertTrue(db.hasTable("memberships"));
        assertFalse(db.hasTable("virtual_keys"));
    }

    @BothDatabases
    void downRollsBackTheNewestAndUpAppliesItAgain(TestDatabase db) {
        Migrator migrator = shipped(db);
        migrator.up(Migrator.ALL, step -> { });

        List<Migrator.Step> down = migrator.down(1, step -> { });

        assertEquals(List.of(SHIPPED.get(COUNT - 1).label()), down.stream().map(s -> s.migration().label()).toList());
        assertEquals(Migrator.Direction.DOWN, down.get(0).direction());
        assertEquals(State.PENDING, migrator.status().entries().get(COUNT - 1).state());
        assertEquals(SHIPPED.get(COUNT - 2).version(), migrator.status().version());

        migrator.up(Migrator.ALL, step -> { });
        assertEquals(LAST, migrator.status().version());
    }

    @BothDatabases
    void everyShippedMigrationRollsBackCleanly(TestDatabase db) {
        Migrator migrator = shipped(db);
        migrator.up(Migrator.ALL, step -> { });

        assertEquals(COUNT, migrator.down(99, step -> { }).size(), "down takes what there is");

        assertEquals(List.of(Migrator.TABLE), migrator.tables());
        assertEquals(0, migrator.status().version());
        migrator.up(Migrator.ALL, step -> { });
        assertEquals(LAST, migrator.status().version());
    }

    @BothDatabases
    void dryRunExecutesNothing(TestDatabase db) {
        Migrator migrator = shipped(db);

        assertEquals(List.of(1L, 2L), migrator.planUp(2).stream().map(Migration::version).toList());
        assertEquals(COUNT, migrator.planUp(Migrator.ALL).size());
        assertEquals(List.of(), migrator.tables(), "not even " + Migrator.TABLE + " was created");

        migrator.up(Migrator.ALL, step -> { });
        assertEquals(List.of(LAST, SHIPPED.get(COUNT - 2).version()),
                migrator.planDown(2).stream().map(Migration::version).toList());
        assertEquals(LAST, migrator.status().version());
        assertTrue(db.hasTable("audit_log"));
    }

    @BothDatabases
    void aFailedMigrationIsLeftDirtyAndBlocksEverythingUntilForced(TestDatabase db) {
        Migrator migrator = failing(db);

        List<Long> applied = new ArrayList<>();
        MigrationException failure = assertThrows(MigrationException.class,
                () -> migrator.up(Migrator.ALL, step -> applied.add(step.migration().version())));

        assertEquals(List.of(1L), applied, "the migration before the failure stays applied");
        assertTrue(failure.getMessage().startsWith("0002 break_halfway up failed at statement 2 of 2: "),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("dirty at 0002"), failure.getMessage());
        assertEquals(List.of(State.APPLIED, State.DIRTY, State.PENDING), states(migrator));
        assertFalse(db.hasTable("gizmos"), "nothing after the failure ran");
        // PostgreSQL rolls the failed migration's DDL back; H2 commits DDL as it goes.
        assertEquals(db.kind() == TestDatabase.Kind.H2, db.hasTable("gadgets"));

        for (Runnable blocked : List.<Runnable>of(() -> migrator.up(1, s -> { }), () -> migrator.down(1, s -> { }),
                () -> migrator.planUp(1), () -> migrator.planDown(1))) {
            MigrationException e = assertThrows(MigrationException.class, blocked::run);
            assertTrue(e.getMessage().startsWith("the database is dirty at 0002 break_halfway"), e.getMessage());
            assertTrue(e.getMessage().contains("`db force 2` if 0002 is fully applied, `db force 1` if it is fully undone"),
                    e.getMessage());
        }

        // A person repairs the schema (undoing what H2 kept) and records where it stands.
        db.jdbi().useHandle(h -> h.execute("drop table if exists gadgets"));
        migrator.force(1);

        assertEquals(List.of(State.APPLIED, State.PENDING, State.PENDING), states(migrator));
        assertTrue(migrator.status().dirty().isEmpty());
        assertEquals(1, migrator.down(1, s -> { }).size(), "down runs again once forced");
        assertFalse(db.hasTable("widgets"));
    }

    @BothDatabases
    void forceRecordsExactlyTheGivenVersionAndRunsNothing(TestDatabase db) {
        Migrator migrator = shipped(db);

        migrator.force(3);

        assertEquals(List.of(State.APPLIED, State.APPLIED, State.APPLIED), states(migrator).subList(0, 3));
        assertEquals(Collections.nCopies(COUNT - 3, State.PENDING), states(migrator).subList(3, COUNT));
        assertEquals(List.of(Migrator.TABLE), migrator.tables(), "force runs no migration");
        migrator.force(0);
        assertEquals(0, migrator.status().version());
        assertEquals(COUNT, migrator.status().pending().size());

        MigrationException e = assertThrows(MigrationException.class, () -> migrator.force(LAST + 1));
        assertEquals("cannot force version " + (LAST + 1) + ": no such migration (expected: 0 for none, or one of "
                + SHIPPED.stream().map(Migration::version).toList() + ")", e.getMessage());
    }

    @BothDatabases
    void dropRemovesEveryTableAndViewOfTheSchema(TestDatabase db) {
        Migrator migrator = shipped(db);
        migrator.up(Migrator.ALL, step -> { });
        db.jdbi().useHandle(h -> h.execute("create view organization_slugs as select slug from organizations"));

        List<String> dropped = migrator.drop();

        assertTrue(dropped.containsAll(SHIPPED_TABLES), dropped.toString());
        assertTrue(dropped.contains("organization_slugs") && dropped.contains(Migrator.TABLE), dropped.toString());
        assertEquals(List.of(), migrator.tables());
        assertEquals(COUNT, migrator.status().pending().size());
        migrator.up(Migrator.ALL, step -> { });
        assertTrue(migrator.status().isUpToDate());
    }

    @BothDatabases
    void aVersionMergedBelowTheAppliedOnesIsRefused(TestDatabase db) {
        Migration first = new Migration(1, "first", "create table a (id int)", "drop table a");
        Migration late = new Migration(2, "late", "create table b (id int)", "drop table b");
        Migration third = new Migration(3, "third", "create table c (id int)", "drop table c");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        new Migrator(db.jdbi(), List.of(first, third), clock).up(Migrator.ALL, s -> { });

        Migrator merged = new Migrator(db.jdbi(), List.of(first, late, third), clock);

        assertEquals(List.of(State.APPLIED, State.OUT_OF_ORDER, State.APPLIED), states(merged));
        assertFalse(merged.status().isUpToDate());
        MigrationException e = assertThrows(MigrationException.class, () -> merged.up(Migrator.ALL, s -> { }));
        assertTrue(e.getMessage().startsWith("[0002 late] is older than the applied version 0003"), e.getMessage());
    }

    @BothDatabases
    void anAppliedVersionWhoseFilesAreGoneIsMissingAndStopsDown(TestDatabase db) {
        Migration first = new Migration(1, "first", "create table a (id int)", "drop table a");
        Migration second = new Migration(2, "second", "create table b (id int)", "drop table b");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        new Migrator(db.jdbi(), List.of(first, second), clock).up(Migrator.ALL, s -> { });

        Migrator older = new Migrator(db.jdbi(), List.of(first), clock);

        MigrationStatus.Entry gone = older.status().entries().get(1);
        assertEquals(State.MISSING, gone.state());
        assertNotNull(gone.appliedAt());
        assertEquals(2, older.status().version());
        MigrationException e = assertThrows(MigrationException.class, () -> older.down(1, s -> { }));
        assertTrue(e.getMessage().startsWith("0002 (no file) is applied but its files are gone"), e.getMessage());
    }

    @BothDatabases
    void nodesMigratingAtOnceTakeTurnsOnPostgres(TestDatabase db) throws Exception {
        assumeTrue(db.kind() == TestDatabase.Kind.POSTGRESQL, "an H2 file belongs to one process; only PostgreSQL is shared");
        CountDownLatch start = new CountDownLatch(1);
        Callable<Integer> node = () -> {
            start.await();
            return shipped(db).up(Migrator.ALL, step -> { }).size();
        };
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> first = nodes.submit(node);
            Future<Integer> second = nodes.submit(node);
            start.countDown();

            assertEquals(COUNT, first.get(30, TimeUnit.SECONDS) + second.get(30, TimeUnit.SECONDS),
                    "each migration applied once, by one of them");
        } finally {
            nodes.shutdownNow();
        }
        assertTrue(shipped(db).status().isUpToDate());
    }
}
