package io.brokle.proxy.metrics;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.LockFreeExponentiallyDecayingReservoir;
import com.codahale.metrics.Snapshot;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's counters and latency summaries, rendered in the Prometheus text format for
 * {@code GET /metrics}. Label values come only from configuration (model and provider names)
 * or from fixed vocabularies (status, cause), never from raw request fields, so a client
 * cannot blow up the number of series.
 */
public final class GatewayMetrics {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99};

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final Map<String, Histogram> summaries = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> sumMicros = new ConcurrentHashMap<>();
    /** Dollars per model, keyed by the model's name; the series text is built when rendered, not per request. */
    private final Map<String, java.util.concurrent.atomic.DoubleAdder> costUsd = new ConcurrentHashMap<>();
    private final AtomicLong activeRequests = new AtomicLong();
    private final AtomicLong configVersion = new AtomicLong();
    private final Map<String, String> help = new ConcurrentHashMap<>();
    private final Map<String, ProviderCounts> providers = new ConcurrentHashMap<>();

    /** Per provider: attempts with a verdict, failures, and the wall-clock millis of the last success (0: none). */
    private static final class ProviderCounts {
        final LongAdder attempts = new LongAdder();
        final LongAdder failures = new LongAdder();
        final AtomicLong lastSuccessMillis = new AtomicLong();
    }

    public GatewayMetrics() {
        help.put("brokle_requests_total", "Requests answered, by endpoint, model and HTTP status.");
        help.put("brokle_errors_total", "Requests that ended in an error, by cause.");
        help.put("brokle_tokens_total", "Tokens reported by upstreams, by model and type.");
        help.put("brokle_request_duration_seconds", "Time from request received to response complete.");
        help.put("brokle_upstream_duration_seconds", "Time from upstream request written to upstream response complete.");
        help.put("brokle_time_to_first_token_seconds", "Time from request received to the first streamed byte relayed.");
        help.put("brokle_active_requests", "Requests in flight.");
        help.put("brokle_upstream_attempts_total", "Upstream attempts, by provider, deployment and result (retried: replaced by another attempt).");
        help.put("brokle_cost_usd_total", "Cost of answered requests in USD at list prices, by model (priced requests only).");
        help.put("brokle_unpriced_requests_total", "Answered requests whose model has no price, by model: their cost is unknown, not zero.");
        help.put("brokle_config_version", "Version of the configuration snapshot being served.");
        help.put("brokle_config_reload_failures_total", "Configuration candidates rejected as invalid.");
    }

    public void requestStarted() {
        activeRequests.incrementAndGet();
    }

    /** Records a finished request. {@code model} must be a configured route name or "none". */
    public void requestFinished(String endpoint, String model, int status, long durationNanos) {
        activeRequests.decrementAndGet();
        counter(new Key("requests", endpoint, model, null, status), k -> "brokle_requests_total{endpoint=\"" + k.a()
                + "\",model=\"" + escape(k.b()) + "\",status=\"" + k.n() + "\"}").increment();
        summary(new Key("duration", endpoint, null, null, 0),
                k -> "brokle_request_duration_seconds{endpoint=\"" + k.a() + "\"}").observe(durationNanos);
    }

    /** {@code cause} is one of a fixed vocabulary, e.g. auth, bad_request, upstream_timeout. */
    public void error(String cause) {
        counter(new Key("errors", cause, null, null, 0), k -> "brokle_errors_total{cause=\"" + k.a() + "\"}").increment();
    }

    public void tokens(String model, long prompt, long completion, long cached) {
        if (prompt > 0) {
            counter(new Key("tokens", model, "prompt", null, 0), GatewayMetrics::tokenSeries).add(prompt);
        }
        if (completion > 0) {
            counter(new Key("tokens", model, "completion", null, 0), GatewayMetrics::tokenSeries).add(completion);
        }
        if (cached > 0) {
            counter(new Key("tokens", model, "cached", null, 0), GatewayMetrics::tokenSeries).add(cached);
        }
    }

    /** The cost of one answer; {@code usd} is {@code null} when the model has no price. */
    public void cost(String model, java.math.BigDecimal usd) {
        if (usd == null) {
            counter(new Key("unpriced", model, null, null, 0),
                    k -> "brokle_unpriced_requests_total{model=\"" + escape(k.a()) + "\"}").increment();
        } else {
            costUsd.computeIfAbsent(model, k -> new java.util.concurrent.atomic.DoubleAdder()).add(usd.doubleValue());
        }
    }

    /** One upstream attempt ended; {@code result} is a relay result label or {@code retried}. */
    public void attempt(String provider, String deployment, String result) {
        counter(new Key("attempts", provider, deployment, result, 0), k -> "brokle_upstream_attempts_total{provider=\""
                + escape(k.a()) + "\",deployment=\"" + escape(k.b()) + "\",result=\"" + k.c() + "\"}").increment();
        if (!result.equals("client_closed")) {
            ProviderCounts p = providers.computeIfAbsent(provider, k -> new ProviderCounts());
            p.attempts.increment();
            if (result.equals("ok")) {
                p.lastSuccessMillis.set(System.currentTimeMillis());
            } else {
                p.failures.increment();
            }
        }
    }

    /** What this proxy has seen of each provider it has called, by provider name. */
    public Map<String, ProviderActivity> providerActivity() {
        Map<String, ProviderActivity> out = new TreeMap<>();
        providers.forEach((name, p) -> {
            long last = p.lastSuccessMillis.get();
            out.put(name, new ProviderActivity(p.attempts.sum(), p.failures.sum(),
                    last == 0 ? null : java.time.Instant.ofEpochMilli(last)));
        });
        return out;
    }

    public void upstreamLatency(String provider, long nanos) {
        summary(new Key("upstream", provider, null, null, 0),
                k -> "brokle_upstream_duration_seconds{provider=\"" + escape(k.a()) + "\"}").observe(nanos);
    }

    public void timeToFirstToken(String model, long nanos) {
        summary(new Key("ttft", model, null, null, 0),
                k -> "brokle_time_to_first_token_seconds{model=\"" + escape(k.a()) + "\"}").observe(nanos);
    }

    public void configApplied(long version) {
        configVersion.set(version);
    }

    public void configRejected() {
        count("brokle_config_reload_failures_total", 1);
    }

    public long activeRequests() {
        return activeRequests.get();
    }

    /** The value of one counter series, e.g. {@code brokle_errors_total{cause="auth"}}; 0 when absent. */
    public long counter(String series) {
        LongAdder a = counters.get(series);
        return a == null ? 0 : a.sum();
    }

    /** All series in the Prometheus text exposition format, version 0.0.4. */
    public String render() {
        StringBuilder out = new StringBuilder(4096);
        Map<String, Map<String, String>> byName = new TreeMap<>();
        counters.forEach((series, adder) -> byName.computeIfAbsent(name(series), k -> new TreeMap<>())
                .put(series, Long.toString(adder.sum())));
        costUsd.forEach((model, adder) -> byName.computeIfAbsent("brokle_cost_usd_total", k -> new TreeMap<>())
                .put("brokle_cost_usd_total{model=\"" + escape(model) + "\"}",
                        String.format(Locale.ROOT, "%.10f", adder.sum())));
        byName.computeIfAbsent("brokle_active_requests", k -> new TreeMap<>())
                .put("brokle_active_requests", Long.toString(activeRequests.get()));
        byName.computeIfAbsent("brokle_config_version", k -> new TreeMap<>())
                .put("brokle_config_version", Long.toString(configVersion.get()));
        for (var e : byName.entrySet()) {
            String name = e.getKey();
            out.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name)).append('\n');
            out.append("# TYPE ").append(name).append(name.endsWith("_total") ? " counter\n" : " gauge\n");
            e.getValue().forEach((series, value) -> out.append(series).append(' ').append(value).append('\n'));
        }
        Map<String, Map<String, Histogram>> summaryByName = new TreeMap<>();
        summaries.forEach((series, h) -> summaryByName.computeIfAbsent(name(series), k -> new TreeMap<>()).put(series, h));
        for (var e : summaryByName.entrySet()) {
            String name = e.getKey();
            out.append("# HELP ").append(name).append(' ').append(help.getOrDefault(name, name)).append('\n');
            out.append("# TYPE ").append(name).append(" summary\n");
            for (var s : e.getValue().entrySet()) {
                String labels = labels(s.getKey());
                Snapshot snap = s.getValue().getSnapshot();
                for (double q : QUANTILES) {
                    out.append(name).append('{').append(labels).append(labels.isEmpty() ? "" : ",")
                            .append("quantile=\"").append(q).append("\"} ")
                            .append(seconds(snap.getValue(q))).append('\n');
                }
                String suffix = labels.isEmpty() ? "" : "{" + labels + "}";
                out.append(name).append("_count").append(suffix).append(' ').append(s.getValue().getCount()).append('\n');
                out.append(name).append("_sum").append(suffix).append(' ')
                        .append(seconds(sumMicros.get(s.getKey()).sum())).append('\n');
            }
        }
        return out.toString();
    }

    private void count(String series, long n) {
        counters.computeIfAbsent(series, k -> new LongAdder()).add(n);
    }

    /**
     * What identifies a series on the hot path, so its text (concatenated and escaped) is built
     * once, not on every request: a metric and up to four label values.
     */
    private record Key(String metric, String a, String b, String c, int n) {
    }

    /** A summary's sampled histogram and its exact sum. */
    private record Summary(Histogram histogram, LongAdder sumMicros) {
        void observe(long nanos) {
            long micros = nanos / 1000;
            histogram.update(micros);
            sumMicros.add(micros);
        }
    }

    private final Map<Key, LongAdder> countersByKey = new ConcurrentHashMap<>();
    private final Map<Key, Summary> summariesByKey = new ConcurrentHashMap<>();

    private LongAdder counter(Key key, java.util.function.Function<Key, String> series) {
        LongAdder adder = countersByKey.get(key);
        if (adder == null) {
            adder = counters.computeIfAbsent(series.apply(key), k -> new LongAdder());
            countersByKey.putIfAbsent(key, adder);
        }
        return adder;
    }

    private Summary summary(Key key, java.util.function.Function<Key, String> series) {
        Summary summary = summariesByKey.get(key);
        if (summary == null) {
            String name = series.apply(key);
            // The sum is kept beside the reservoir (which only samples) so _sum stays exact; it is
            // created first so that a render never finds a summary without its sum.
            LongAdder sum = sumMicros.computeIfAbsent(name, k -> new LongAdder());
            Histogram histogram = summaries.computeIfAbsent(name,
                    k -> new Histogram(LockFreeExponentiallyDecayingReservoir.builder().build()));
            summary = new Summary(histogram, sum);
            summariesByKey.putIfAbsent(key, summary);
        }
        return summary;
    }

    private static String tokenSeries(Key k) {
        return "brokle_tokens_total{model=\"" + escape(k.a()) + "\",type=\"" + k.b() + "\"}";
    }

    private static String seconds(double micros) {
        return String.format(Locale.ROOT, "%.6f", micros / 1_000_000.0);
    }

    private static String name(String series) {
        int brace = series.indexOf('{');
        return brace < 0 ? series : series.substring(0, brace);
    }

    private static String labels(String series) {
        int brace = series.indexOf('{');
        return brace < 0 ? "" : series.substring(brace + 1, series.length() - 1);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
