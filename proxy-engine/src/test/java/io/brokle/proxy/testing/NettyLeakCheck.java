package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector reported a {@code ByteBuf} that was garbage
 * collected without being released while the class ran ({@code @ExtendWith(NettyLeakCheck.class)}).
 * The detector only notices a leak after a GC and on a later allocation, so {@code afterAll}
 * forces both. With {@code -Dio.netty.leakDetection.level=paranoid} (the build's setting) every
 * buffer is tracked.
 *
 * <p>Installs the one global {@link ByteBufUtil#setLeakListener leak listener}; another listener
 * set elsewhere in the same JVM replaces it.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    static {
        ByteBufUtil.setLeakListener((resourceType, records) -> LEAKS.add(resourceType + records));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws InterruptedException {
        collectLeakReports();
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        collectLeakReports();
        List<String> leaks = new ArrayList<>(LEAKS);
        LEAKS.clear();
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " leaked buffer(s) in " + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }

    /** Runs GC until a sentinel weak reference is enqueued, then allocates so the detector polls its queue. */
    private static void collectLeakReports() throws InterruptedException {
        for (int round = 0; round < 2; round++) {
            ReferenceQueue<Object> collected = new ReferenceQueue<>();
            WeakReference<Object> sentinel = new WeakReference<>(new Object(), collected);
            // Bounded: with -XX:+DisableExplicitGC the sentinel may never be collected.
            boolean sentinelCollected = false;
            for (int tries = 0; tries < 20 && !sentinelCollected; tries++) {
                System.gc();
                sentinelCollected = collected.remove(50) != null;
            }
            sentinel.clear();
            ByteBufAllocator.DEFAULT.buffer(1).release();
        }
    }
}
