package io.brokle.proxy.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.AwsSigning;
import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.proxy.adapt.bedrock.EventStreamSplitter;
import io.brokle.proxy.http.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One Bedrock attempt: path, signature headers at the clock's time, body, and the answer side's framing. */
class BedrockAdapterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:20:30Z"), ZoneOffset.UTC);
    private static final Provider PROVIDER = new Provider("aws", ProviderKind.BEDROCK,
            URI.create("https://bedrock-runtime.eu-west-1.amazonaws.com"), null, null, true, UpstreamTimeouts.DEFAULTS,
            null, null, new AwsSigning("eu-west-1", "AKIDEXAMPLE", "secret", null));

    private static TranslatedAttempt prepare(Endpoint endpoint, String model, String json) throws TranslationException {
        ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        try {
            return new BedrockAdapter(CLOCK).prepare(endpoint, body, PROVIDER, new Deployment("d", "aws", model, 1),
                    ByteBufAllocator.DEFAULT);
        } finally {
            body.release();
        }
    }

    private static Map<String, String> headers(TranslatedAttempt attempt) {
        return Map.copyOf(attempt.headers().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey,
                Map.Entry::getValue)));
    }

    @Test
    void aStreamedChatGoesToConverseStreamSignedAtTheClocksTime() throws TranslationException {
        TranslatedAttempt attempt = prepare(Endpoint.CHAT_COMPLETIONS, "anthropic.claude-3-haiku-20240307-v1:0",
                "{\"model\":\"x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        try {
            assertEquals("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream", attempt.path());
            Map<String, String> headers = headers(attempt);
            assertEquals("20260301T102030Z", headers.get("x-amz-date"));
            assertTrue(headers.get("authorization").startsWith(
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/eu-west-1/bedrock/aws4_request, "
                            + "SignedHeaders=host;x-amz-date, Signature="), headers.get("authorization"));
            assertEquals("application/vnd.amazon.eventstream", headers.get("accept"));
            assertEquals("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}",
                    attempt.body().toString(StandardCharsets.UTF_8));
            assertTrue(attempt.translator().streamFramer("application/vnd.amazon.eventstream")
                    instanceof EventStreamSplitter);
            assertNull(attempt.translator().streamFramer("application/json"));
        } finally {
            attempt.body().release();
        }
    }

    @Test
    void embeddingsGoToInvokeAndCompletionsAreRefused() throws TranslationException {
        TranslatedAttempt attempt = prepare(Endpoint.EMBEDDINGS, "amazon.titan-embed-text-v2:0",
                "{\"model\":\"x\",\"input\":\"fox\"}");
        try {
            assertEquals("/model/amazon.titan-embed-text-v2%3A0/invoke", attempt.path());
            assertEquals("application/json", headers(attempt).get("accept"));
            assertNull(attempt.translator().streamFramer("application/vnd.amazon.eventstream"));
        } finally {
            attempt.body().release();
        }
        TranslationException e = assertThrows(TranslationException.class, () -> prepare(Endpoint.COMPLETIONS,
                "amazon.nova-pro-v1:0", "{\"model\":\"x\",\"prompt\":\"hi\"}"));
        assertEquals(400, e.status());
    }
}
