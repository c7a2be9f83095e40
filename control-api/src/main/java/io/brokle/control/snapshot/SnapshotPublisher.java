package io.brokle.control.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whoever waits that an environment has a newer snapshot version: long-polling proxies
 * (through {@link #awaitNewer}), in-process listeners, and, when Redis is configured, the
 * other control-plane nodes and the proxies (through a {@link RedisSnapshotChannel}).
 *
 * <p>It remembers the newest version it has heard of per environment, so a waiter that
 * registers just after a publication completes at once instead of missing it.
 */
public final class SnapshotPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

    private record Waiter(long after, CompletableFuture<Long> future) {
    }

    private final Map<UUID, Long> newest = new HashMap<>();
    private final Map<UUID, List<Waiter>> waiters = new HashMap<>();
    private final List<BiConsumer<UUID, Long>> listeners = new CopyOnWriteArrayList<>();
    private volatile RedisSnapshotChannel redis;

    /** Sends every publication of this node to Redis too (and hears the other nodes'). */
    public void useRedis(RedisSnapshotChannel channel) {
        this.redis = channel;
    }

    /** Called with every newer version heard of (on the publishing thread). */
    public void onPublished(BiConsumer<UUID, Long> listener) {
        listeners.add(listener);
    }

    /** A change to {@code environmentId} committed as {@code version}: wake waiters here and elsewhere. */
    public void published(UUID environmentId, long version) {
        heard(environmentId, version);
        RedisSnapshotChannel channel = redis;
        if (channel != null) {
            channel.publish(environmentId, version);
        }
    }

    /**
     * Records that {@code version} exists (from the database, or from another node through
     * Redis) and completes the waiters it satisfies. Older news changes nothing.
     */
    public void heard(UUID environmentId, long version) {
        List<CompletableFuture<Long>> ready = new ArrayList<>();
        synchronized (this) {
            Long known = newest.get(environmentId);
            if (known != null && known >= version) {
                return;
            }
            newest.put(environmentId, version);
            List<Waiter> list = waiters.get(environmentId);
            if (list != null) {
                for (Iterator<Waiter> it = list.iterator(); it.hasNext(); ) {
                    Waiter w = it.next();
                    if (version > w.after()) {
                        ready.add(w.future());
                        it.remove();
                    }
                }
                if (list.isEmpty()) {
                    waiters.remove(environmentId);
                }
            }
        }
        ready.forEach(f -> f.complete(version));
        for (BiConsumer<UUID, Long> l : listeners) {
            try {
                l.accept(environmentId, version);
            } catch (RuntimeException e) {
                LOG.warn("snapshot listener failed for environment {} version {}", environmentId, version, e);
            }
        }
    }

    /**
     * Completes with the newest version once one newer than {@code after} is heard of (at once
     * when it already is). Cancel the future to stop waiting; it is then forgotten.
     */
    public CompletableFuture<Long> awaitNewer(UUID environmentId, long after) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        synchronized (this) {
            Long known = newest.get(environmentId);
            if (known != null && known > after) {
                future.complete(known);
                return future;
            }
            waiters.computeIfAbsent(environmentId, k -> new ArrayList<>()).add(new Waiter(after, future));
        }
        future.whenComplete((v, e) -> {
            if (e != null) {
                forget(environmentId, future);
            }
        });
        return future;
    }

    /** The environments some request is waiting on. */
    public synchronized java.util.Set<UUID> waitedFor() {
        return java.util.Set.copyOf(waiters.keySet());
    }

    /** How many requests wait for a newer version of {@code environmentId} (for tests and metrics). */
    public synchronized int waiting(UUID environmentId) {
        List<Waiter> list = waiters.get(environmentId);
        return list == null ? 0 : list.size();
    }

    private synchronized void forget(UUID environmentId, CompletableFuture<Long> future) {
        List<Waiter> list = waiters.get(environmentId);
        if (list != null) {
            list.removeIf(w -> w.future() == future);
            if (list.isEmpty()) {
                waiters.remove(environmentId);
            }
        }
    }
}
