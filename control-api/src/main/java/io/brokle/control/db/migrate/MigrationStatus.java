package io.brokle.control.db.migrate;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a database stands against the known migrations: one entry per version that is known,
 * applied, or both, in version order.
 *
 * @param entries sorted by version
 */
public record MigrationStatus(List<Entry> entries) {
    public MigrationStatus {
        entries = List.copyOf(entries);
    }

    /** What one version is in this database. */
    public enum State {
        /** Applied and finished. */
        APPLIED,
        /** Started, up or down, and not finished: the schema may be half changed. */
        DIRTY,
        /** Known and not applied, newer than every applied version. */
        PENDING,
        /** Known and not applied, but older than an applied version (a late merge). */
        OUT_OF_ORDER,
        /** Applied, but no file of this version is known any more. */
        MISSING;

        /** {@code out of order}: how commands print it. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
    }

    /**
     * @param name      null for a {@link State#MISSING} version
     * @param appliedAt when the version was (or began to be) applied; null when not applied
     */
    public record Entry(long version, String name, State state, Instant appliedAt) {
        /** {@code 0001 create_tenancy}. */
        public String label() {
            return Migration.formatVersion(version) + " " + (name == null ? "(no file)" : name);
        }
    }

    /** The highest applied version, dirty or not; 0 when nothing is applied. */
    public long version() {
        long version = 0;
        for (Entry e : entries) {
            if (e.state == State.APPLIED || e.state == State.DIRTY || e.state == State.MISSING) {
                version = Math.max(version, e.version);
            }
        }
        return version;
    }

    /** The version left half done by a failure or a crash, if any. */
    public Optional<Entry> dirty() {
        return entries.stream().filter(e -> e.state == State.DIRTY).findFirst();
    }

    /** Versions that {@code up} would apply, in order. */
    public List<Entry> pending() {
        return entries.stream().filter(e -> e.state == State.PENDING).toList();
    }

    /** Versions that were never applied although a newer one was. */
    public List<Entry> outOfOrder() {
        return entries.stream().filter(e -> e.state == State.OUT_OF_ORDER).toList();
    }

    /** Applied versions, newest first: the order {@code down} takes them in. */
    public List<Entry> appliedNewestFirst() {
        return entries.stream()
                .filter(e -> e.state == State.APPLIED || e.state == State.MISSING)
                .sorted((a, b) -> Long.compare(b.version, a.version))
                .toList();
    }

    /** True when every known migration is applied and none is dirty. */
    public boolean isUpToDate() {
        return dirty().isEmpty() && pending().isEmpty() && outOfOrder().isEmpty();
    }
}
