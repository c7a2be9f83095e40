package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs after every test class (registered for all tests through the service loader): collects
 * garbage, lets the leak detector look at what was collected, and fails the class if any
 * buffer was garbage-collected without having been released.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        List<String> reports = collect();
        if (!reports.isEmpty()) {
            fail(reports.size() + " Netty buffer leak(s) detected in or before " + context.getDisplayName() + ":\n"
                    + String.join("\n", reports));
        }
    }

    static List<String> collect() throws InterruptedException {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            return List.of();
        }
        for (int round = 0; round < 3; round++) {
            System.gc();
            // Reference processing runs on its own thread after a collection; give it a moment.
            Thread.sleep(20);
            for (int i = 0; i < 64; i++) {
                ByteBuf a = PooledByteBufAllocator.DEFAULT.buffer(8);
                ByteBuf b = UnpooledByteBufAllocator.DEFAULT.buffer(8);
                ByteBuf c = PooledByteBufAllocator.DEFAULT.directBuffer(8);
                a.release();
                b.release();
                c.release();
            }
        }
        return RecordingLeakDetector.drain();
    }
}
