package io.brokle.control.snapshot;

import io.brokle.config.ConfigException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The one way the key, provider and route services change an environment: in one
 * transaction, the change, a check that the environment's whole snapshot still validates
 * (otherwise nothing is written), and the bump of the environment's snapshot version; after the
 * commit, the new version is published so waiting proxies fetch it at once.
 */
public final class EnvironmentChanges {
    private final Jdbi jdbi;
    private final SnapshotBuilder builder;
    private final SnapshotPublisher publisher;
    private final Clock clock;

    public EnvironmentChanges(Jdbi jdbi, SnapshotBuilder builder, SnapshotPublisher publisher, Clock clock) {
        this.jdbi = jdbi;
        this.builder = builder;
        this.publisher = publisher;
        this.clock = clock;
    }

    /**
     * Runs {@code change} for {@code environmentId} as described above. Called inside a
     * transaction of the same thread (a resource writing the change's audit row with it), it
     * joins that transaction, and the version is published when that one commits.
     *
     * @return what {@code change} returned
     * @throws NoSuchElementException  when the environment does not exist
     * @throws InvalidChangeException  when the environment's snapshot would not validate
     */
    public <T> T apply(UUID environmentId, Function<Handle, T> change) {
        return jdbi.inTransaction(h -> {
            // Locks the environment's version row first, so concurrent changes to one environment
            // validate one after the other, each seeing the one before.
            long version = bump(h, environmentId);
            T result = change.apply(h);
            try {
                builder.build(h, environmentId);
            } catch (ConfigException e) {
                throw new InvalidChangeException(e.problems());
            }
            h.afterCommit(() -> publisher.published(environmentId, version));
            return result;
        });
    }

    private long bump(Handle h, UUID environmentId) {
        if (SnapshotBuilder.tenant(h, environmentId).isEmpty()) {
            throw new NoSuchElementException("environment " + environmentId + ": not found");
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        h.createUpdate("insert into environment_snapshots (environment_id, version, updated_at) values (:env, 0, :now) "
                + "on conflict do nothing").bind("env", environmentId).bind("now", now).execute();
        h.createUpdate("update environment_snapshots set version = version + 1, updated_at = :now where environment_id = :env")
                .bind("env", environmentId).bind("now", now).execute();
        return SnapshotBuilder.version(h, environmentId);
    }

    public Clock clock() {
        return clock;
    }
}
