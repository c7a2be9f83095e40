package io.brokle.proxy.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class GatewayMetricsTest {
    private final GatewayMetrics metrics = new GatewayMetrics();

    @Test
    void providerActivityCountsVerdictsFailuresAndTheLastSuccess() {
        long before = System.currentTimeMillis();
        metrics.attempt("openai", "gpt", "retried");
        metrics.attempt("openai", "gpt", "upstream_timeout");
        metrics.attempt("openai", "gpt-backup", "ok");
        metrics.attempt("openai", "gpt", "client_closed"); // the client left: no verdict on the provider
        metrics.attempt("anthropic", "claude", "upstream_error");

        Map<String, ProviderActivity> activity = metrics.providerActivity();

        assertEquals(List.of("anthropic", "openai"), List.copyOf(activity.keySet()));
        ProviderActivity openai = activity.get("openai");
        assertEquals(3, openai.attempts());
        assertEquals(2, openai.failures());
        assertEquals(2.0 / 3, openai.errorRate(), 1e-9);
        assertTrue(openai.lastSuccess().toEpochMilli() >= before);
        ProviderActivity anthropic = activity.get("anthropic");
        assertEquals(1.0, anthropic.errorRate());
        assertEquals(null, anthropic.lastSuccess());
        assertEquals(0.0, new ProviderActivity(0, 0, null).errorRate());
    }

    @Test
    void aFreshRegistryRendersTheGaugesWithHelpAndType() {
        Exposition e = Exposition.parse(metrics.render());

        assertEquals("gauge", e.types.get("brokle_active_requests"));
        assertEquals("gauge", e.types.get("brokle_config_version"));
        assertEquals(0.0, e.value("brokle_active_requests", Map.of()));
        assertEquals(0.0, e.value("brokle_config_version", Map.of()));
        assertEquals("Requests in flight.", e.help.get("brokle_active_requests"));
    }

    @Test
    void finishedRequestsAreCountedByEndpointModelAndStatus() {
        metrics.requestStarted();
        metrics.requestStarted();
        metrics.requestStarted();
        metrics.requestFinished("chat/completions", "gpt-4o", 200, 1_000_000);
        metrics.requestFinished("chat/completions", "gpt-4o", 200, 1_000_000);
        metrics.requestFinished("chat/completions", "gpt-4o", 429, 1_000_000);

        Exposition e = Exposition.parse(metrics.render());

        assertEquals("counter", e.types.get("brokle_requests_total"));
        assertEquals(2.0, e.value("brokle_requests_total",
                Map.of("endpoint", "chat/completions", "model", "gpt-4o", "status", "200")));
        assertEquals(1.0, e.value("brokle_requests_total",
                Map.of("endpoint", "chat/completions", "model", "gpt-4o", "status", "429")));
        assertEquals(0.0, e.value("brokle_active_requests", Map.of()));
        assertEquals(0, metrics.activeRequests());
        assertEquals(2, metrics.counter(
                "brokle_requests_total{endpoint=\"chat/completions\",model=\"gpt-4o\",status=\"200\"}"));
    }

    @Test
    void theActiveGaugeFollowsStartsAndFinishes() {
        metrics.requestStarted();
        metrics.requestStarted();
        assertEquals(2.0, Exposition.parse(metrics.render()).value("brokle_active_requests", Map.of()));

        metrics.requestFinished("embeddings", "none", 400, 10);
        assertEquals(1.0, Exposition.parse(metrics.render()).value("brokle_active_requests", Map.of()));
        assertEquals(1, metrics.activeRequests());
    }

    @Test
    void latencySummariesHaveQuantilesCountAndExactSum() {
        metrics.upstreamLatency("openai", 1_000_000);
        metrics.upstreamLatency("openai", 2_000_000);
        metrics.upstreamLatency("openai", 3_500_000);

        Exposition e = Exposition.parse(metrics.render());

        assertEquals("summary", e.types.get("brokle_upstream_duration_seconds"));
        for (String q : List.of("0.5", "0.9", "0.99")) {
            double v = e.value("brokle_upstream_duration_seconds", Map.of("provider", "openai", "quantile", q));
            assertTrue(v >= 0.001 && v <= 0.0035, "quantile " + q + " = " + v);
        }
        assertEquals(3.0, e.value("brokle_upstream_duration_seconds_count", Map.of("provider", "openai")));
        assertEquals(0.0065, e.value("brokle_upstream_duration_seconds_sum", Map.of("provider", "openai")), 1e-9);
    }

    @Test
    void tokensAreCountedByTypeAndZeroesAreNotSeries() {
        metrics.tokens("gpt-4o", 100, 20, 0);
        metrics.tokens("gpt-4o", 50, 0, 30);

        Exposition e = Exposition.parse(metrics.render());

        assertEquals(150.0, e.value("brokle_tokens_total", Map.of("model", "gpt-4o", "type", "prompt")));
        assertEquals(20.0, e.value("brokle_tokens_total", Map.of("model", "gpt-4o", "type", "completion")));
        assertEquals(30.0, e.value("brokle_tokens_total", Map.of("model", "gpt-4o", "type", "cached")));
        assertEquals(3, e.samples.get("brokle_tokens_total").size());
    }

    @Test
    void labelValuesWithQuotesBackslashesAndNewlinesAreEscaped() {
        String model = "evil\"} brokle_fake_total 99\nnext\\line";
        metrics.requestStarted();
        metrics.requestFinished("chat/completions", model, 200, 1000);
        metrics.timeToFirstToken(model, 2000);
        metrics.upstreamLatency("prov\"ider", 3000);

        String text = metrics.render();
        Exposition e = Exposition.parse(text);

        assertEquals(1.0, e.value("brokle_requests_total",
                Map.of("endpoint", "chat/completions", "model", model, "status", "200")));
        assertEquals(1.0, e.value("brokle_time_to_first_token_seconds_count", Map.of("model", model)));
        assertEquals(1.0, e.value("brokle_upstream_duration_seconds_count", Map.of("provider", "prov\"ider")));
        assertFalse(e.samples.containsKey("brokle_fake_total"), "a label value cannot inject a series");
    }

    @Test
    void configReloadFailuresAndVersionAreExposed() {
        metrics.configApplied(7);
        metrics.configRejected();
        metrics.configRejected();

        Exposition e = Exposition.parse(metrics.render());

        assertEquals(2, metrics.counter("brokle_config_reload_failures_total"));
        assertEquals("counter", e.types.get("brokle_config_reload_failures_total"));
        assertEquals(2.0, e.value("brokle_config_reload_failures_total", Map.of()));
        assertEquals(7.0, e.value("brokle_config_version", Map.of()));
    }

    @Test
    void errorsAreCountedByCause() {
        metrics.error("auth");
        metrics.error("auth");
        metrics.error("upstream_timeout");

        assertEquals(2, metrics.counter("brokle_errors_total{cause=\"auth\"}"));
        assertEquals(0, metrics.counter("brokle_errors_total{cause=\"nothing\"}"));
        assertEquals(1.0, Exposition.parse(metrics.render()).value("brokle_errors_total",
                Map.of("cause", "upstream_timeout")));
    }

    @Test
    void everyFamilyHasOneHelpAndOneTypeBeforeItsSamplesAndItsSamplesAreTogether() {
        metrics.requestStarted();
        metrics.requestFinished("chat/completions", "a", 200, 5_000);
        metrics.requestStarted();
        metrics.requestFinished("completions", "b", 500, 7_000);
        metrics.error("bad_request");
        metrics.tokens("a", 1, 1, 1);
        metrics.timeToFirstToken("a", 100);
        metrics.configRejected();

        String text = metrics.render();

        assertTrue(text.endsWith("\n"), "the exposition ends with a newline");
        Exposition.parse(text); // checks the grammar and the grouping
    }

    /** A strict reader of the Prometheus text exposition format 0.0.4, enough for these tests. */
    private static final class Exposition {
        private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)");
        private static final Pattern TYPE =
                Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)");
        private static final Pattern SAMPLE =
                Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*\\})? (-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|[+-]Inf)");

        final Map<String, String> help = new HashMap<>();
        final Map<String, String> types = new HashMap<>();
        final Map<String, List<Map.Entry<Map<String, String>, Double>>> samples = new LinkedHashMap<>();

        static Exposition parse(String text) {
            Exposition e = new Exposition();
            Set<String> finishedFamilies = new HashSet<>();
            String family = null;
            for (String line : text.split("\n", -1)) {
                if (line.isEmpty()) {
                    continue;
                }
                Matcher m;
                if ((m = HELP.matcher(line)).matches()) {
                    if (e.help.put(m.group(1), m.group(2)) != null) {
                        fail("second HELP for " + m.group(1));
                    }
                    if (family != null && !family.equals(m.group(1))) {
                        finishedFamilies.add(family);
                    }
                    family = m.group(1);
                    assertFalse(finishedFamilies.contains(family), "family split: " + family);
                } else if ((m = TYPE.matcher(line)).matches()) {
                    assertEquals(family, m.group(1), "TYPE follows the family's HELP");
                    if (e.types.put(m.group(1), m.group(2)) != null) {
                        fail("second TYPE for " + m.group(1));
                    }
                } else if ((m = SAMPLE.matcher(line)).matches()) {
                    String name = m.group(1);
                    assertTrue(family != null && (name.equals(family) || "summary".equals(e.types.get(family))
                            && (name.equals(family + "_count") || name.equals(family + "_sum"))),
                            "sample " + line + " outside its family " + family);
                    Map<String, String> labels = m.group(2) == null ? Map.of() : labels(m.group(2), line);
                    if ("summary".equals(e.types.get(family)) && name.equals(family)) {
                        assertTrue(labels.containsKey("quantile"), "summary sample without quantile: " + line);
                    }
                    e.samples.computeIfAbsent(name, k -> new ArrayList<>())
                            .add(Map.entry(labels, Double.parseDouble(m.group(3))));
                } else {
                    fail("not a valid exposition line: " + line);
                }
            }
            for (String name : e.types.keySet()) {
                assertTrue(e.help.containsKey(name), "TYPE without HELP: " + name);
            }
            return e;
        }

        /** Parses {@code {a="x",b="y\"z"}}, allowing only the escapes \\, \" and \n. */
        private static Map<String, String> labels(String block, String line) {
            Map<String, String> labels = new LinkedHashMap<>();
            int i = 1;
            int end = block.length() - 1;
            while (i < end) {
                int eq = block.indexOf('=', i);
                String name = block.substring(i, eq);
                assertTrue(name.matches("[a-zA-Z_][a-zA-Z0-9_]*"), "label name " + name + " in " + line);
                assertEquals('"', block.charAt(eq + 1), line);
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (block.charAt(j) != '"') {
                    char c = block.charAt(j);
                    if (c == '\\') {
                        char next = block.charAt(j + 1);
                        switch (next) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> fail("bad escape \\" + next + " in " + line);
                        }
                        j += 2;
                    } else {
                        value.append(c);
                        j++;
                    }
                }
                assertFalse(labels.containsKey(name), "repeated label " + name + " in " + line);
                labels.put(name, value.toString());
                i = j + 1;
                if (i < end) {
                    assertEquals(',', block.charAt(i), line);
                    i++;
                }
            }
            assertEquals(end, i, "label block ends cleanly: " + line);
            return labels;
        }

        double value(String name, Map<String, String> labels) {
            List<Map.Entry<Map<String, String>, Double>> series = samples.getOrDefault(name, List.of());
            for (var s : series) {
                if (s.getKey().equals(labels)) {
                    return s.getValue();
                }
            }
            throw new AssertionError("no sample " + name + labels + " among " + series);
        }
    }
}
