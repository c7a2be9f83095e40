package io.brokle.proxy.snapshot;

import io.brokle.config.GatewaySnapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The snapshot being served. Readers take {@link #current()} once per request and keep it to
 * the end, so a swap never changes a request midway. Candidates arrive already validated;
 * the holder numbers them, swaps atomically and tells listeners.
 */
public final class SnapshotHolder {
    private final AtomicReference<GatewaySnapshot> current;
    private final List<Consumer<GatewaySnapshot>> listeners = new CopyOnWriteArrayList<>();

    public SnapshotHolder(GatewaySnapshot initial) {
        this.current = new AtomicReference<>(initial.withVersion(Math.max(1, initial.version())));
    }

    public GatewaySnapshot current() {
        return current.get();
    }

    /** Serves {@code candidate} from now on, as the next version; returns what is now served. */
    public synchronized GatewaySnapshot apply(GatewaySnapshot candidate) {
        GatewaySnapshot next = candidate.withVersion(current.get().version() + 1);
        for (Consumer<GatewaySnapshot> l : listeners) {
            l.accept(next);
        }
        current.set(next);
        return next;
    }

    /** Called with every new snapshot, before requests see it (on the thread that applies it). */
    public void onApply(Consumer<GatewaySnapshot> listener) {
        listeners.add(listener);
    }
}
