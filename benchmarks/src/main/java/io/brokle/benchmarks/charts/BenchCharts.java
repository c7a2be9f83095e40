package io.brokle.benchmarks.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the PNG charts of one {@code scripts/bench} run from its results JSON (headless Java2D):
 * latency percentiles per path for each run, throughput and p99 against the number of
 * connections, and one chart per target. Parts missing from the JSON (a run that was skipped)
 * are skipped. Prints the files it wrote.
 *
 * <pre>
 *   java -Djava.awt.headless=true -cp brokle-benchmarks.jar io.brokle.benchmarks.charts.BenchCharts \
 *       benchmarks/results/latest.json benchmarks/results/charts
 * </pre>
 */
public final class BenchCharts {
    static final List<String> PATHS = List.of("direct", "nginx", "gateway");
    private static final String[] PERCENTILES = {"p50", "p90", "p99", "p99_9"};
    private static final String[] PERCENTILE_LABELS = {"p50", "p90", "p99", "p99.9"};

    private final JsonNode doc;
    private final File out;
    private final List<String> written = new ArrayList<>();

    BenchCharts(JsonNode doc, File out) {
        this.doc = doc;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length != 2) {
            System.err.println("usage: BenchCharts RESULTS.json OUTPUT_DIR");
            System.exit(2);
        }
        File out = new File(args[1]);
        if (!out.isDirectory() && !out.mkdirs()) {
            throw new IOException("cannot create " + out);
        }
        File[] old = out.listFiles((dir, name) -> name.endsWith(".png"));
        for (File f : old == null ? new File[0] : old) {
            if (!f.delete()) {
                throw new IOException("cannot replace " + f);
            }
        }
        BenchCharts charts = new BenchCharts(new ObjectMapper().readTree(new File(args[0])), out);
        for (String f : charts.drawAll()) {
            System.out.println(f);
        }
    }

    List<String> drawAll() throws IOException {
        String when = "run of " + doc.path("started_utc").asText("?") + ", " + doc.path("machine").path("nproc").asText("?")
                + " CPUs shared by the load generator, the proxy and the mock upstream";
        JsonNode results = doc.path("results");
        int conns = doc.path("parameters").path("connections").asInt();
        percentiles("latency-nonstream.png", "Non-streamed, " + conns + " connections (wrk): latency", when,
                results.path("nonstream"), "latency_us");
        percentiles("latency-stream.png", "Streamed, " + doc.path("parameters").path("stream_connections").asInt(conns)
                + " connections (wrk): latency to the last event", when, results.path("stream"), "latency_us");
        percentiles("latency-one-at-a-time.png", "One request at a time (wrk, 1 connection): latency", when,
                doc.path("one_at_a_time"), "latency_us");
        percentiles("latency-first-chunk.png", "Streamed, one at a time: time to the first chunk", when,
                doc.path("first_chunk"), "first_chunk_us");
        JsonNode open = doc.path("open_loop");
        percentiles("latency-open-loop.png", "Open loop, " + open.path("rate").asText("?") + " req/s for "
                + open.path("duration_s").asText("?") + " s: latency from the due time", when, open, "latency_us");
        sweep(when);
        targets(when);
        return written;
    }

    private void percentiles(String file, String title, String subtitle, JsonNode byPath, String field) throws IOException {
        List<String> series = new ArrayList<>();
        List<double[]> rows = new ArrayList<>();
        for (String path : PATHS) {
            JsonNode lat = byPath.path(path).path(field);
            if (!lat.isObject() || !lat.has("p50")) {
                continue;
            }
            double[] row = new double[PERCENTILES.length];
            for (int i = 0; i < PERCENTILES.length; i++) {
                row[i] = lat.has(PERCENTILES[i]) ? lat.get(PERCENTILES[i]).asDouble() / 1000.0 : Double.NaN;
            }
            series.add(path);
            rows.add(row);
        }
        if (series.isEmpty()) {
            return;
        }
        save(file, Chart.bars(title, subtitle, "milliseconds", List.of(PERCENTILE_LABELS), series,
                rows.toArray(double[][]::new)));
    }

    private void sweep(String subtitle) throws IOException {
        JsonNode sweep = doc.path("sweep");
        if (!sweep.path("connections").isArray()) {
            return;
        }
        List<String> xs = new ArrayList<>();
        sweep.path("connections").forEach(c -> xs.add(c.asText()));
        List<String> series = new ArrayList<>();
        List<double[]> rps = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        for (String path : PATHS) {
            JsonNode runs = sweep.path("runs").path(path);
            if (!runs.isArray() || runs.isEmpty()) {
                continue;
            }
            double[] r = new double[xs.size()];
            double[] p = new double[xs.size()];
            java.util.Arrays.fill(r, Double.NaN);
            java.util.Arrays.fill(p, Double.NaN);
            for (JsonNode run : runs) {
                int i = xs.indexOf(run.path("connections").asText());
                if (i >= 0) {
                    r[i] = run.path("rps").asDouble(Double.NaN);
                    p[i] = run.path("latency_us").path("p99").asDouble(Double.NaN) / 1000.0;
                }
            }
            series.add(path);
            rps.add(r);
            p99.add(p);
        }
        if (series.isEmpty()) {
            return;
        }
        String mode = sweep.path("mode").asText("nonstream").equals("stream") ? "streamed" : "non-streamed";
        save("throughput-vs-connections.png", Chart.lines("Throughput by connections (" + mode + ", wrk)", subtitle,
                "requests per second", xs, series, rps.toArray(double[][]::new)));
        save("p99-vs-connections.png", Chart.lines("p99 latency by connections (" + mode + ", wrk)", subtitle,
                "milliseconds", xs, series, p99.toArray(double[][]::new)));
    }

    private void targets(String subtitle) throws IOException {
        for (JsonNode t : doc.path("targets")) {
            JsonNode values = t.path("values");
            List<String> series = new ArrayList<>();
            List<double[]> rows = new ArrayList<>();
            for (String path : PATHS) {
                if (values.path(path).isNumber()) {
                    series.add(path);
                    rows.add(new double[] {values.path(path).asDouble()});
                }
            }
            if (series.isEmpty()) {
                continue;
            }
            save("target-" + t.path("id").asText() + ".png", Chart.bars("Target " + t.path("id").asText() + ": "
                    + t.path("title").asText(), subtitle, t.path("unit").asText(), List.of(t.path("measure").asText()),
                    series, rows.toArray(double[][]::new)));
        }
    }

    private void save(String name, java.awt.image.BufferedImage img) throws IOException {
        File f = new File(out, name);
        Chart.write(img, f);
        written.add(f.getPath());
    }
}
