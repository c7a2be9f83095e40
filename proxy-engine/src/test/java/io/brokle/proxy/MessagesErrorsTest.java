package io.brokle.proxy;

import static io.brokle.proxy.MessagesSupport.assertAnthropicError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.proxy.testing.Behaviour;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every error the gateway answers on {@code /v1/messages}, its own or a provider's, reaches the
 * client in Anthropic's format, {@code {"type":"error","error":{"type","message"}}}, with the
 * matching status and type, over plain HTTP as any Anthropic client sees it.
 */
class MessagesErrorsTest {
    private ScriptedUpstream up;
    private TestGateway gw;
    private HttpClient http;

    @BeforeEach
    void start() {
        up = ScriptedUpstream.start();
        gw = TestGateway.start(TestGateway.openAiYaml(up.baseUrl()).replace("firstByte: 2s", "firstByte: 300ms"));
        http = EndToEndSupport.httpClient();
    }

    @AfterEach
    void stop() {
        http.close();
        gw.close();
        up.close();
    }

    private HttpResponse<String> post(String key, String body) {
        return MessagesSupport.post(http, gw, key, body);
    }

    @Test
    void noKeyIs401AuthenticationError() {
        HttpResponse<String> r = post(null, MessagesSupport.message("gpt-test", "hi", false));
        assertEquals(401, r.statusCode());
        assertAnthropicError(r.body(), "authentication_error");
        assertTrue(r.headers().firstValue("x-request-id").isPresent());
    }

    @Test
    void anUnknownKeyIs401AuthenticationErrorAndIsNotEchoed() {
        HttpResponse<String> r = post("brk-not-a-real-key-0000000000000000000000000",
                MessagesSupport.message("gpt-test", "hi", false));
        assertEquals(401, r.statusCode());
        assertTrue(!r.body().contains("brk-not-a-real-key"), r.body());
        assertAnthropicError(r.body(), "authentication_error");
    }

    @Test
    void missingMaxTokensIs400InvalidRequestErrorNamingIt() {
        HttpResponse<String> r = post(TestGateway.KEY,
                "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, r.statusCode());
        assertTrue(assertAnthropicError(r.body(), "invalid_request_error").get("message").asText()
                .contains("max_tokens"), r.body());
        assertEquals(0, up.requestCount());
    }

    @Test
    void missingMessagesOrModelAndMalformedJsonAre400() {
        HttpResponse<String> noMessages = post(TestGateway.KEY, "{\"model\":\"gpt-test\",\"max_tokens\":5}");
        assertEquals(400, noMessages.statusCode());
        assertTrue(assertAnthropicError(noMessages.body(), "invalid_request_error").get("message").asText()
                .contains("messages"));
        HttpResponse<String> noModel = post(TestGateway.KEY, "{\"max_tokens\":5,\"messages\":[]}");
        assertEquals(400, noModel.statusCode());
        assertAnthropicError(noModel.body(), "invalid_request_error");
        HttpResponse<String> malformed = post(TestGateway.KEY, "{\"model\":\"gpt-test\",");
        assertEquals(400, malformed.statusCode());
        assertAnthropicError(malformed.body(), "invalid_request_error");
    }

    @Test
    void anUnknownModelIs404NotFoundError() {
        HttpResponse<String> r = post(TestGateway.KEY, MessagesSupport.message("claude-nope", "hi", false));
        assertEquals(404, r.statusCode());
        assertTrue(assertAnthropicError(r.body(), "not_found_error").get("message").asText().contains("claude-nope"));
    }

    @Test
    void aModelTheKeyMayNotUseIs403PermissionError() {
        HttpResponse<String> r = post(TestGateway.LIMITED_KEY, MessagesSupport.message("gpt-test", "hi", false));
        assertEquals(403, r.statusCode());
        assertAnthropicError(r.body(), "permission_error");
        assertEquals(0, up.requestCount());
    }

    @Test
    void aBodyOverTheLimitIs413RequestTooLarge() {
        // Only the head is sent: the gateway answers from Content-Length and closes, so a client
        // still writing the body could see the connection reset before it reads the answer.
        try (RawHttpSupport c = RawHttpSupport.connect(gw.port())) {
            c.write("POST " + MessagesSupport.PATH + " HTTP/1.1\r\nHost: gw\r\nx-api-key: " + TestGateway.KEY + "\r\n"
                    + "anthropic-version: " + MessagesSupport.VERSION + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (2 * 1024 * 1024) + "\r\n\r\n");
            RawHttpSupport.Response r = c.readResponse();
            assertEquals(413, r.status());
            assertAnthropicError(r.text(), "request_too_large");
        }
        assertEquals(0, up.requestCount());
    }

    @Test
    void wrongMethodAndUnsupportedSubpathsAnswerInAnthropicsFormat() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + MessagesSupport.PATH))
                .header("x-api-key", TestGateway.KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertAnthropicError(get.body(), "invalid_request_error");

        HttpResponse<String> unknown = MessagesSupport.postTo(http, gw, "/v1/messages/batches", TestGateway.KEY,
                MessagesSupport.message("gpt-test", "hi", false));
        assertEquals(404, unknown.statusCode());
        assertTrue(assertAnthropicError(unknown.body(), "not_found_error").get("message").asText()
                .contains("/v1/messages/batches"));
    }

    @Test
    void countingTokensForAModelOnAnOpenAiProviderIsAClearBadRequest() {
        HttpResponse<String> r = MessagesSupport.postTo(http, gw, "/v1/messages/count_tokens", TestGateway.KEY,
                "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, r.statusCode());
        assertTrue(assertAnthropicError(r.body(), "invalid_request_error").get("message").asText()
                .contains("does not offer /v1/messages/count_tokens"), r.body());
        assertEquals(0, up.requestCount());
    }

    @Test
    void theProvidersAndThenTheGatewaysOwn429CarryRetryAfter() {
        up.enqueue(Behaviour.rateLimited("30"));
        HttpResponse<String> passedOn = post(TestGateway.KEY, MessagesSupport.message("gpt-test", "hi", false));
        assertEquals(429, passedOn.statusCode());
        assertAnthropicError(passedOn.body(), "rate_limit_error");
        assertEquals("30", passedOn.headers().firstValue("retry-after").orElseThrow());

        HttpResponse<String> parked = post(TestGateway.KEY, MessagesSupport.message("gpt-test", "hi", false));
        assertEquals(429, parked.statusCode());
        assertTrue(assertAnthropicError(parked.body(), "rate_limit_error").get("message").asText()
                .contains("Retry-After"), parked.body());
        long seconds = Long.parseLong(parked.headers().firstValue("retry-after").orElseThrow());
        assertTrue(seconds >= 1 && seconds <= 30, "retry-after " + seconds);
        assertEquals(1, up.requestCount(), "the gateway answered the second one itself");
    }

    @Test
    void anUnreachableProviderIs502ApiError() {
        try (TestGateway down = TestGateway.start(TestGateway.openAiYaml("http://127.0.0.1:"
                + CannedUpstreamSupport.closedPort() + "/v1"))) {
            HttpResponse<String> r = MessagesSupport.post(http, down, TestGateway.KEY,
                    MessagesSupport.message("gpt-test", "hi", false));
            assertEquals(502, r.statusCode());
            assertAnthropicError(r.body(), "api_error");
            assertEquals("upstream", r.headers().firstValue("x-brokle-provider").orElseThrow());
        }
    }

    @Test
    void aProviderThatDoesNotAnswerInTimeIs504() {
        up.enqueue(Behaviour.slowFirstByte(Duration.ofSeconds(3)));
        HttpResponse<String> r = post(TestGateway.KEY, MessagesSupport.message("gpt-test", "hi", true));
        assertEquals(504, r.statusCode());
        assertAnthropicError(r.body(), "timeout_error");
    }

    @Test
    void theOpenAiEndpointsKeepOpenAisFormat() {
        HttpResponse<String> r = EndToEndSupport.post(http, gw, EndToEndSupport.CHAT_PATH, null,
                EndToEndSupport.chat("gpt-test", "hi", false));
        assertEquals(401, r.statusCode());
        EndToEndSupport.assertOpenAiError(r.body(), "missing_api_key");
    }
}
