package io.brokle.proxy.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.proxy.adapt.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientDialectTest {
    @Test
    void theMessagesPathAndThePathsBelowItSpeakAnthropic() {
        assertEquals(ClientDialect.ANTHROPIC, ClientDialect.forUri("/v1/messages"));
        assertEquals(ClientDialect.ANTHROPIC, ClientDialect.forUri("/v1/messages?beta=true"));
        assertEquals(ClientDialect.ANTHROPIC, ClientDialect.forUri("/v1/messages/count_tokens"));
        assertEquals(ClientDialect.OPENAI, ClientDialect.forUri("/v1/messagesx"));
        assertEquals(ClientDialect.OPENAI, ClientDialect.forUri("/v1/chat/completions"));
        assertEquals(ClientDialect.OPENAI, ClientDialect.forUri("/v2/messages"));
        assertEquals(ClientDialect.OPENAI, ClientDialect.forUri(null));
    }

    @ParameterizedTest
    @CsvSource({
        "400, , invalid_request_error", "401, invalid_api_key, authentication_error", "403, , permission_error",
        "404, model_not_found, not_found_error", "405, method_not_allowed, invalid_request_error",
        "413, request_too_large, request_too_large", "429, upstream_rate_limited, rate_limit_error",
        "502, upstream_unavailable, api_error", "503, model_unavailable, overloaded_error",
        "504, upstream_timeout, timeout_error"})
    void theGatewaysOwnErrorsTakeTheAnthropicTypeOfTheirStatus(int status, String code, String type) {
        FullHttpResponse r = ClientDialect.ANTHROPIC.error(ByteBufAllocator.DEFAULT, HttpResponseStatus.valueOf(status),
                "Something \"quoted\".", "whatever", "param", code);
        try {
            assertEquals(status, r.status().code());
            assertEquals("application/json", r.headers().get("content-type"));
            assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"Something \\\"quoted\\\".\"}}",
                    r.content().toString(StandardCharsets.UTF_8));
            assertEquals(r.content().readableBytes(), r.headers().getInt("content-length"));
        } finally {
            r.release();
        }
    }

    @Test
    void aBrokenStreamEndsWithAnAnthropicErrorEvent() {
        ByteBuf event = ClientDialect.ANTHROPIC.streamError(ByteBufAllocator.DEFAULT, "cut", "upstream_error",
                "upstream_truncated");
        ByteBuf openAi = ClientDialect.OPENAI.streamError(ByteBufAllocator.DEFAULT, "cut", "upstream_error",
                "upstream_truncated");
        try {
            assertEquals("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"cut\"}}\n\n",
                    event.toString(StandardCharsets.UTF_8));
            assertTrue(openAi.toString(StandardCharsets.UTF_8).startsWith("data: {\"error\":"));
        } finally {
            event.release();
            openAi.release();
        }
    }

    @Test
    void onlyAnthropicErrorDocumentsPassAsTheyAreToAnthropicClients() {
        ByteBuf anthropic = Unpooled.copiedBuffer("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"slow\"},\"request_id\":\"req_1\"}", StandardCharsets.UTF_8);
        ByteBuf openAi = Unpooled.copiedBuffer(ErrorResponses.json("slow", "requests", null, "x"), StandardCharsets.UTF_8);
        ByteBuf tooLong = Unpooled.copiedBuffer(Json.write(io.brokle.proxy.adapt.anthropic.AnthropicErrors.anthropicError(
                "invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum")), StandardCharsets.UTF_8);
        try {
            assertTrue(ClientDialect.ANTHROPIC.isErrorDocument(429, anthropic));
            assertFalse(ClientDialect.ANTHROPIC.isErrorDocument(429, openAi));
            assertTrue(ClientDialect.OPENAI.isErrorDocument(429, openAi));
            assertEquals("context_length_exceeded", ClientDialect.ANTHROPIC.retryCode(400, tooLong),
                    "the context-window fallback works for Anthropic clients too");
            assertEquals(0, anthropic.readerIndex());
        } finally {
            anthropic.release();
            openAi.release();
            tooLong.release();
        }
    }

    @Test
    void anthropicFormatHeadersAreCollectedForTheRelayAndOpenAiHasNone() {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.add("anthropic-version", "2023-06-01");
        headers.add("anthropic-beta", "a-1");
        headers.add("anthropic-beta", "b-2");
        headers.add("x-api-key", "brk-secret");
        assertEquals(List.of(Map.entry("anthropic-version", "2023-06-01"), Map.entry("anthropic-beta", "a-1,b-2")),
                ClientDialect.ANTHROPIC.formatHeaders(headers));
        assertEquals(List.of(), ClientDialect.OPENAI.formatHeaders(headers));
    }
}
