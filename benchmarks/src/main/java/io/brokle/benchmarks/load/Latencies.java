package io.brokle.benchmarks.load;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** HdrHistogram helpers: microsecond histograms and their percentiles as JSON-ready maps. */
final class Latencies {
    /** Up to 10 minutes, 3 significant digits. */
    static final long MAX_US = 600_000_000L;

    private Latencies() {
    }

    static Histogram newHistogram() {
        return new Histogram(1, MAX_US, 3);
    }

    static void recordNanos(Histogram h, long nanos) {
        h.recordValue(Math.min(MAX_US, Math.max(1, nanos / 1_000)));
    }

    /** count, min, mean, stdev, p50 ... p99.99, max; in microseconds. */
    static Map<String, Object> summary(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return m;
        }
        m.put("min", h.getMinValue());
        m.put("mean", Math.round(h.getMean() * 10) / 10.0);
        m.put("stdev", Math.round(h.getStdDeviation() * 10) / 10.0);
        m.put("p50", h.getValueAtPercentile(50));
        m.put("p75", h.getValueAtPercentile(75));
        m.put("p90", h.getValueAtPercentile(90));
        m.put("p99", h.getValueAtPercentile(99));
        m.put("p99_9", h.getValueAtPercentile(99.9));
        m.put("p99_99", h.getValueAtPercentile(99.99));
        m.put("max", h.getMaxValue());
        return m;
    }
}
