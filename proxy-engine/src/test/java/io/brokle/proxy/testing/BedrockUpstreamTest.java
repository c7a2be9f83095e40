package io.brokle.proxy.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.proxy.adapt.bedrock.EventStreamMessage;
import io.brokle.proxy.adapt.bedrock.EventStreamSplitter;
import io.brokle.proxy.adapt.bedrock.SigV4Signer;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Bedrock mock speaks Bedrock's wire format: signatures checked, errors named in headers, CRC-checked frames. */
class BedrockUpstreamTest {
    private static final String PATH = "/model/amazon.nova-lite-v1%3A0/";
    private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}";

    private BedrockUpstream bedrock;
    private HttpClient http;

    @BeforeEach
    void start() {
        bedrock = BedrockUpstream.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        http.close();
        bedrock.close();
    }

    private HttpResponse<byte[]> post(String action, String body, String secret, String sentBody)
            throws IOException, InterruptedException {
        return post(action, body, secret, sentBody, Instant.now());
    }

    private HttpResponse<byte[]> post(String action, String body, String secret, String sentBody, Instant signedAt)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(bedrock.baseUrl() + PATH + action))
                .POST(HttpRequest.BodyPublishers.ofString(sentBody)).header("content-type", "application/json");
        if (secret != null) {
            SigV4Signer signer = new SigV4Signer(BedrockUpstream.REGION, "bedrock", BedrockUpstream.ACCESS_KEY_ID,
                    secret, null, false);
            for (Map.Entry<String, String> header : signer.sign("POST", "127.0.0.1:" + bedrock.port(), PATH + action,
                    null, List.of(), body.getBytes(StandardCharsets.UTF_8), signedAt)) {
                request.header(header.getKey(), header.getValue());
            }
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aSignedConverseRequestIsAnswered() throws Exception {
        HttpResponse<byte[]> r = post("converse", BODY, BedrockUpstream.SECRET_ACCESS_KEY, BODY);

        assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("\"text\":\"Hello! You said: Hi\""));
    }

    @Test
    void anUnsignedOrTamperedRequestGets403InBedrocksFormat() throws Exception {
        HttpResponse<byte[]> unsigned = post("converse", BODY, null, BODY);
        assertEquals(403, unsigned.statusCode());
        assertTrue(unsigned.headers().firstValue("x-amzn-ErrorType").orElseThrow()
                .startsWith("MissingAuthenticationTokenException:"));

        HttpResponse<byte[]> tampered = post("converse", BODY, BedrockUpstream.SECRET_ACCESS_KEY, BODY.replace("Hi", "Yo"));
        assertEquals(403, tampered.statusCode());
        assertTrue(tampered.headers().firstValue("x-amzn-ErrorType").orElseThrow().startsWith("InvalidSignatureException:"));
        assertTrue(new String(tampered.body(), StandardCharsets.UTF_8).startsWith("{\"message\":\"The request signature"));
    }

    @Test
    void aSignatureOlderThanFiveMinutesHasExpired() throws Exception {
        HttpResponse<byte[]> r = post("converse", BODY, BedrockUpstream.SECRET_ACCESS_KEY, BODY,
                Instant.now().minus(java.time.Duration.ofMinutes(6)));

        assertEquals(403, r.statusCode());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("Signature expired"));
    }

    @Test
    void converseStreamIsABinaryEventStreamWithValidChecksums() throws Exception {
        HttpResponse<byte[]> r = post("converse-stream", BODY, BedrockUpstream.SECRET_ACCESS_KEY, BODY);

        assertEquals("application/vnd.amazon.eventstream", r.headers().firstValue("content-type").orElseThrow());
        List<String> types = new ArrayList<>();
        try (EventStreamSplitter splitter = new EventStreamSplitter(EventStreamSplitter.DEFAULT_MAX_FRAME_BYTES)) {
            splitter.split(Unpooled.wrappedBuffer(r.body()), frame -> types.add(EventStreamMessage.decode(frame).eventType()));
        }
        assertEquals("messageStart", types.getFirst());
        assertEquals(List.of("contentBlockStop", "messageStop", "metadata"), types.subList(types.size() - 3, types.size()));
        assertTrue(types.contains("contentBlockDelta"));
    }

    @Test
    void aConversationThatDoesNotStartWithTheUserIsAValidationException() throws Exception {
        String body = "{\"messages\":[{\"role\":\"assistant\",\"content\":[{\"text\":\"Hi\"}]}]}";
        HttpResponse<byte[]> r = post("converse", body, BedrockUpstream.SECRET_ACCESS_KEY, body);

        assertEquals(400, r.statusCode());
        assertTrue(r.headers().firstValue("x-amzn-ErrorType").orElseThrow().startsWith("ValidationException:"));
    }
}
