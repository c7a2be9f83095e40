package io.brokle.control.health;

import com.codahale.metrics.health.HealthCheck;
import io.brokle.control.db.migrate.MigrationStatus;
import io.brokle.control.db.migrate.Migrator;
import java.util.Objects;

/**
 * Healthy when the schema has every known migration applied and none dirty: a control plane
 * whose schema lags its code would fail on its first query that needs the newer tables.
 */
public final class MigrationsHealthCheck extends HealthCheck {
    private final Migrator migrator;

    public MigrationsHealthCheck(Migrator migrator) {
        this.migrator = Objects.requireNonNull(migrator, "migrator");
    }

    @Override
    protected Result check() {
        MigrationStatus status = migrator.status();
        if (status.dirty().isPresent()) {
            return Result.unhealthy("dirty at %s: repair the schema, then `db force`", status.dirty().get().label());
        }
        if (!status.outOfOrder().isEmpty()) {
            return Result.unhealthy("not applied although newer ones are: %s",
                    status.outOfOrder().stream().map(MigrationStatus.Entry::label).toList());
        }
        if (!status.pending().isEmpty()) {
            return Result.unhealthy("%d pending migrations from %s: run `db up`",
                    status.pending().size(), status.pending().get(0).label());
        }
        return Result.healthy("schema at version %d", status.version());
    }
}
