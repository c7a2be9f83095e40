package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Every answer says what it cost, from the upstream's usage and the price in force; an unpriced model is never $0. */
class CostEndToEndTest {
    private static String yaml(String upstreamBaseUrl) {
        return "providers:\n"
                + "  - {name: up, kind: openai, baseUrl: " + upstreamBaseUrl + ", priceFamily: openai}\n"
                + "deployments:\n"
                + "  - {name: priced, provider: up, model: priced-model, price: {input: 2.5, output: 10}}\n"
                + "  - {name: unknown, provider: up, model: a-model-nobody-prices}\n"
                + "routes:\n"
                + "  - {model: priced, deployments: [priced]}\n"
                + "  - {model: unknown, deployments: [unknown]}\n"
                + "keys:\n  - {id: test, hash: " + TestGateway.hash(TestGateway.KEY) + ", tenant: acme/app/dev}\n";
    }

    @Test
    void pricedAnswerCarriesItsCostComputedFromUsage() {
        try (ScriptedUpstream up = ScriptedUpstream.start(); TestGateway gw = TestGateway.start(yaml(up.baseUrl()));
             HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("priced", "What does this cost?", false));

            assertEquals(200, r.statusCode(), r.body());
            JsonNode usage = EndToEndSupport.parse(r.body()).get("usage");
            BigDecimal expected = new BigDecimal("2.5").multiply(BigDecimal.valueOf(usage.get("prompt_tokens").asLong()))
                    .add(BigDecimal.TEN.multiply(BigDecimal.valueOf(usage.get("completion_tokens").asLong())))
                    .divide(BigDecimal.valueOf(1_000_000));
            assertEquals(0, expected.compareTo(new BigDecimal(r.headers().firstValue("x-brokle-cost-usd").orElseThrow())),
                    "header " + r.headers().firstValue("x-brokle-cost-usd") + " vs " + expected);
            String metrics = EndToEndSupport.scrapeMetrics(http, gw);
            assertTrue(metrics.contains("brokle_cost_usd_total{model=\"priced\"}"), metrics);
        }
    }

    @Test
    void unpricedModelIsReportedAsUnpricedNeverAsZero() {
        try (ScriptedUpstream up = ScriptedUpstream.start(); TestGateway gw = TestGateway.start(yaml(up.baseUrl()));
             HttpClient http = EndToEndSupport.httpClient()) {
            HttpResponse<String> r = EndToEndSupport.post(http, gw, "/v1/chat/completions", TestGateway.KEY,
                    EndToEndSupport.chat("unknown", "And this?", false));

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("unpriced", r.headers().firstValue("x-brokle-cost-usd").orElseThrow());
            assertEquals(1, EndToEndSupport.scrapeCounter(http, gw, "brokle_unpriced_requests_total{model=\"unknown\"}"));
            assertTrue(!EndToEndSupport.scrapeMetrics(http, gw).contains("brokle_cost_usd_total{model=\"unknown\"}"),
                    "an unpriced model must not appear with a cost");
        }
    }

    @Test
    void aStreamedAnswerCarriesItsCostInATrailerOnceTheUsageIsKnown() {
        try (ScriptedUpstream up = ScriptedUpstream.start(); TestGateway gw = TestGateway.start(yaml(up.baseUrl()));
             RawHttpSupport client = RawHttpSupport.connect(gw.port())) {
            client.write(RawHttpSupport.post("/v1/chat/completions", RawHttpSupport.bearer(TestGateway.KEY),
                    EndToEndSupport.chat("priced", "Stream the cost", true)));
            RawHttpSupport.Head head = client.readHead();
            String body = client.readBodyText(head);

            assertEquals(200, head.status());
            assertEquals("x-brokle-cost-usd", head.header("trailer"), "the trailer is announced in the head");
            JsonNode usage = null;
            for (String data : EndToEndSupport.sseData(body)) {
                if (!data.equals("[DONE]") && EndToEndSupport.parse(data).path("usage").isObject()) {
                    usage = EndToEndSupport.parse(data).get("usage");
                }
            }
            assertTrue(usage == null, "the client did not ask for the usage chunk: " + body);
            String trailer = client.trailer("x-brokle-cost-usd");
            assertTrue(trailer != null && new BigDecimal(trailer).signum() > 0, "cost trailer: " + trailer);
            // The same cost the gateway recorded for the request.
            try (HttpClient http = EndToEndSupport.httpClient()) {
                assertTrue(EndToEndSupport.scrapeMetrics(http, gw).contains(
                        "brokle_cost_usd_total{model=\"priced\"} " + String.format(java.util.Locale.ROOT, "%.10f",
                                new BigDecimal(trailer).doubleValue())));
            }
        }
    }

    @Test
    void anUnpricedStreamSaysSoInItsTrailer() {
        try (ScriptedUpstream up = ScriptedUpstream.start(); TestGateway gw = TestGateway.start(yaml(up.baseUrl()));
             RawHttpSupport client = RawHttpSupport.connect(gw.port())) {
            client.write(RawHttpSupport.post("/v1/chat/completions", RawHttpSupport.bearer(TestGateway.KEY),
                    EndToEndSupport.chat("unknown", "Stream it", true)));
            RawHttpSupport.Head head = client.readHead();
            client.readBodyText(head);

            assertEquals("unpriced", client.trailer("x-brokle-cost-usd"));
        }
    }
}
