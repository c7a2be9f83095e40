package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakCheckExtensionTest {
    @Test
    void anUnreleasedBufferIsReportedAsALeak() throws InterruptedException {
        leakOneBuffer();
        List<String> reports = LeakCheckExtension.collect();
        assertFalse(reports.isEmpty(), "a buffer dropped without release must be reported");
        assertTrue(reports.get(0).startsWith("LEAK: "), reports.get(0));
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.buffer(16);
        leaked.writeLong(42);
    }
}
