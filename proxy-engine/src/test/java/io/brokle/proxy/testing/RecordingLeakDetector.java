package io.brokle.proxy.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, installed for every test run with
 * {@code -Dio.netty.customResourceLeakDetector}, that also remembers each report so
 * {@link LeakCheckExtension} can fail the build on it.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final ConcurrentLinkedQueue<String> REPORTS = new ConcurrentLinkedQueue<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        REPORTS.add("LEAK: " + resourceType + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        REPORTS.add("LEAK: " + resourceType + " (untraced)");
        super.reportUntracedLeak(resourceType);
    }

    /** Every report since the last call. */
    static List<String> drain() {
        List<String> out = new ArrayList<>();
        String r;
        while ((r = REPORTS.poll()) != null) {
            out.add(r);
        }
        return out;
    }
}
