package io.brokle.benchmarks.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts of a small results document: one PNG per run and target present, none for parts that are missing. */
class BenchChartsTest {
    private static final String DOC = """
            {"started_utc": "2026-11-25T22:00:00Z", "machine": {"nproc": 2},
             "parameters": {"connections": 64, "stream_connections": 64},
             "results": {"nonstream": {
               "direct": {"rps": 40000, "latency_us": {"p50": 900, "p90": 4000, "p99": 12000, "p99_9": 20000}},
               "gateway": {"rps": 20000, "latency_us": {"p50": 2000, "p90": 6000, "p99": 25000, "p99_9": 40000}}}},
             "sweep": {"mode": "nonstream", "connections": [1, 16, 64],
               "runs": {"direct": [{"connections": 1, "rps": 9000, "latency_us": {"p99": 300}},
                                   {"connections": 64, "rps": 40000, "latency_us": {"p99": 12000}}],
                        "nginx": [{"connections": 16, "rps": 20000, "latency_us": {"p99": 2000}}]}},
             "targets": [{"id": "1", "title": "throughput", "measure": "requests per second", "unit": "req/s",
                          "values": {"direct": 40000, "nginx": 21000, "gateway": 20000}}]}
            """;

    @Test
    void drawsEveryChartTheDocumentHasDataFor(@TempDir Path dir) throws Exception {
        BenchCharts charts = new BenchCharts(new ObjectMapper().readTree(DOC), dir.toFile());
        List<String> written = charts.drawAll().stream().map(f -> new File(f).getName()).sorted().toList();
        assertEquals(List.of("latency-nonstream.png", "p99-vs-connections.png", "target-1.png",
                "throughput-vs-connections.png"), written);
        for (String name : written) {
            BufferedImage img = ImageIO.read(dir.resolve(name).toFile());
            assertNotNull(img, name);
            assertEquals(Chart.WIDTH, img.getWidth());
            assertEquals(Chart.HEIGHT, img.getHeight());
        }
    }

    @Test
    void axisMaximaAreRoundNumbersAboveTheData() {
        assertEquals(50_000, Chart.niceMax(41_990), 0.001);
        assertEquals(1, Chart.niceMax(0), 0.001);
        assertTrue(Chart.niceMax(0.8) >= 0.8 * 1.1);
        assertEquals("0", Chart.format(0));
        assertEquals("800", Chart.format(800));
        assertEquals("1.25", Chart.format(1.25));
    }

    @Test
    void oneAxisUsesOneStyleForThousands() {
        assertEquals("40k", Chart.format(40_000));
        assertEquals("80k", Chart.format(80_000));
        assertEquals("120k", Chart.format(120_000));
        assertEquals("54.7k", Chart.format(54_724));
        assertEquals("9999", Chart.format(9_999));
    }
}
