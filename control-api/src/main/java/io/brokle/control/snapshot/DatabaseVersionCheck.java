package io.brokle.control.snapshot;

import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the snapshot versions of the environments that proxies are waiting on and hands them
 * to the {@link SnapshotPublisher}. Run every {@link #PERIOD_MILLIS} ms, it bounds how long a
 * proxy polling this node waits for a change committed on another control-plane node when there
 * is no Redis (or a Redis message was lost). One small query per run, none while nobody waits.
 */
public final class DatabaseVersionCheck implements Runnable {
    public static final long PERIOD_MILLIS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseVersionCheck.class);

    private final Jdbi jdbi;
    private final SnapshotPublisher publisher;

    public DatabaseVersionCheck(Jdbi jdbi, SnapshotPublisher publisher) {
        this.jdbi = jdbi;
        this.publisher = publisher;
    }

    @Override
    public void run() {
        Set<UUID> waited = publisher.waitedFor();
        if (waited.isEmpty()) {
            return;
        }
        try {
            jdbi.useHandle(h -> h.createQuery("select environment_id, version from environment_snapshots "
                            + "where environment_id in (<ids>)")
                    .bindList("ids", waited.stream().toList())
                    .map((rs, ctx) -> {
                        publisher.heard(rs.getObject("environment_id", UUID.class), rs.getLong("version"));
                        return null;
                    }).list());
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; the next run tries anew.
            LOG.warn("cannot read snapshot versions: {}", e.getMessage());
        }
    }
}
