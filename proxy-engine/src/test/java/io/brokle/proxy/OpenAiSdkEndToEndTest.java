package io.brokle.proxy;

import static io.brokle.proxy.EndToEndSupport.assertNothingLeaks;
import static io.brokle.proxy.EndToEndSupport.await;
import static io.brokle.proxy.EndToEndSupport.expectedCompletion;
import static io.brokle.proxy.EndToEndSupport.scrapeCounter;
import static io.brokle.proxy.EndToEndSupport.sdk;
import static io.brokle.proxy.EndToEndSupport.tokenSeries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.JsonField;
import com.openai.core.JsonMissing;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.brokle.config.MockOptions;
import io.brokle.proxy.mock.MockCompletions;
import io.brokle.proxy.testing.Behaviour;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.brokle.proxy.testing.TestGateway;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK against a running gateway in front of {@link ScriptedUpstream}:
 * what a user of the SDK sees, answers and errors alike, through real sockets.
 */
class OpenAiSdkEndToEndTest {
    private static final String PROMPT = "hello gateway";
    private static final MockCompletions.Completion EXPECTED = expectedCompletion(MockOptions.DEFAULTS, PROMPT);
    private static final ChatCompletionCreateParams CHAT = ChatCompletionCreateParams.builder()
            .model("gpt-test")
            .addUserMessage(PROMPT)
            .build();

    private ScriptedUpstream upstream;
    private TestGateway gw;
    private EndToEndSupport.Sdk sdk;
    private OpenAIClient client;
    private HttpClient http;

    @BeforeEach
    void start() {
        upstream = ScriptedUpstream.start();
        gw = TestGateway.start(TestGateway.openAiYaml(upstream.baseUrl()));
        sdk = sdk(gw, TestGateway.KEY);
        client = sdk.api();
        http = EndToEndSupport.httpClient();
    }

    @AfterEach
    void stop() {
        http.close();
        sdk.close();
        gw.close();
        upstream.close();
    }

    @Test
    void nonStreamedChatHasContentUsageAndFinishReason() {
        ChatCompletion answer = client.chat().completions().create(CHAT).validate();

        ChatCompletion.Choice choice = answer.choices().getFirst();
        assertEquals(EXPECTED.content(), choice.message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        CompletionUsage usage = answer.usage().orElseThrow();
        assertEquals(EXPECTED.promptTokens(), usage.promptTokens());
        assertEquals(EXPECTED.completionTokens(), usage.completionTokens());
        assertEquals(EXPECTED.totalTokens(), usage.totalTokens());
    }

    @Test
    void streamedChatDeliversTheSameContentInOrderAndEndsNormally() {
        String whole = client.chat().completions().create(CHAT).choices().getFirst().message().content().orElseThrow();

        List<ChatCompletionChunk> chunks = stream(client, CHAT);

        StringBuilder streamed = new StringBuilder();
        List<String> pieces = new ArrayList<>();
        chunks.forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().filter(s -> !s.isEmpty())
                .ifPresent(piece -> {
                    streamed.append(piece);
                    pieces.add(piece);
                })));
        assertEquals(whole, streamed.toString());
        List<String> expectedPieces = new ArrayList<>();
        for (int i = 0; i < EXPECTED.chunks(); i++) {
            expectedPieces.add(EXPECTED.chunk(i));
        }
        assertEquals(expectedPieces, pieces, "content chunks, one by one, in order");
        ChatCompletionChunk.Choice last = chunks.getLast().choices().getFirst();
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP, last.finishReason().orElseThrow(),
                "the stream ends with the finish chunk, then [DONE]");
    }

    @Test
    void streamedChatWithIncludeUsageGetsTheUsageChunk() {
        ChatCompletionCreateParams params = CHAT.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();

        List<ChatCompletionChunk> chunks = stream(client, params);

        ChatCompletionChunk usageChunk = chunks.getLast();
        assertTrue(usageChunk.choices().isEmpty(), "the usage chunk has no choices: " + usageChunk);
        CompletionUsage usage = usageChunk.usage().orElseThrow();
        assertEquals(EXPECTED.promptTokens(), usage.promptTokens());
        assertEquals(EXPECTED.completionTokens(), usage.completionTokens());
        assertEquals(1, chunks.stream().filter(c -> c.usage().isPresent()).count(), "exactly one usage chunk");
    }

    @Test
    void streamedChatWithoutIncludeUsageHidesTheUsageChunkButCountsTheTokens() throws Exception {
        String completionSeries = tokenSeries("gpt-test", "completion");
        String promptSeries = tokenSeries("gpt-test", "prompt");
        long completionBefore = scrapeCounter(http, gw, completionSeries);
        long promptBefore = scrapeCounter(http, gw, promptSeries);

        List<ChatCompletionChunk> chunks = stream(client, CHAT);

        for (ChatCompletionChunk chunk : chunks) {
            assertFalse(chunk.choices().isEmpty() && chunk.usage().isPresent(),
                    "a usage-only chunk reached a client that did not ask for it: " + chunk);
            assertTrue(chunk.usage().isEmpty(), "usage in " + chunk);
        }
        RecordedRequest sent = upstream.takeRequest(Duration.ofSeconds(2));
        assertTrue(sent.bodyJson().path("stream_options").path("include_usage").asBoolean(),
                "the gateway asked the upstream for usage: " + sent.bodyText());
        assertTrue(await(() -> scrapeCounter(http, gw, completionSeries) - completionBefore
                        == EXPECTED.completionTokens(), Duration.ofSeconds(2)),
                "brokle_tokens_total counted the completion tokens of the hidden usage chunk");
        assertEquals(EXPECTED.promptTokens(), scrapeCounter(http, gw, promptSeries) - promptBefore);
    }

    @Test
    void embeddingsAsFloats() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("gpt-test")
                .input("the quick brown fox")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.FLOAT)
                .build()).validate();

        assertEmbedding(new MockCompletions(MockOptions.DEFAULTS).embedding("the quick brown fox"),
                response.data().getFirst().embedding());
        assertEquals(MockCompletions.tokensFor("the quick brown fox".length()), response.usage().promptTokens());
    }

    @Test
    void embeddingsInTheSdksDefaultBase64Encoding() throws Exception {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("gpt-test")
                .input("fox")
                .build()).validate();

        RecordedRequest sent = upstream.takeRequest(Duration.ofSeconds(2));
        assertEquals("base64", sent.bodyJson().path("encoding_format").asText(), sent.bodyText());
        assertTrue(response.data().getFirst().embeddingValue().isBase64(), "the answer came back as base64");
        assertEmbedding(new MockCompletions(MockOptions.DEFAULTS).embedding("fox"), response.data().getFirst().embedding());
    }

    @Test
    void modelsListsOnlyTheModelsTheKeyMayUse() {
        assertEquals(List.of("gpt-test", "limited"), ids(client.models().list().data()).stream().sorted().toList());

        try (EndToEndSupport.Sdk limited = sdk(gw, TestGateway.LIMITED_KEY)) {
            assertEquals(List.of("limited"), ids(limited.api().models().list().data()));
        }
    }

    @Test
    void unknownKeyIsUnauthorized() {
        try (EndToEndSupport.Sdk stranger = sdk(gw, "brk-not-a-key-of-this-gateway-0000000000000")) {
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> stranger.api().chat().completions().create(CHAT));
            assertServiceError(e, 401, "invalid_api_key");
            assertFalse(e.getMessage().contains("brk-not-a-key-of-this-gateway"), "the key is never echoed");
        }
        assertEquals(0, upstream.requestCount());
    }

    @Test
    void unknownModelIsNotFound() {
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.chat().completions()
                .create(CHAT.toBuilder().model("no-such-model").build()));
        assertServiceError(e, 404, "model_not_found");
        assertEquals(0, upstream.requestCount());
    }

    @Test
    void modelOutsideTheKeysAllowanceIsPermissionDenied() {
        try (EndToEndSupport.Sdk limited = sdk(gw, TestGateway.LIMITED_KEY)) {
            PermissionDeniedException e = assertThrows(PermissionDeniedException.class,
                    () -> limited.api().chat().completions().create(CHAT));
            assertServiceError(e, 403, "model_not_allowed");
        }
        assertEquals(0, upstream.requestCount());
    }

    @Test
    void upstreamRateLimitReachesTheSdkWithRetryAfter() {
        upstream.enqueue(Behaviour.rateLimited("7"));

        RateLimitException e = assertThrows(RateLimitException.class, () -> client.chat().completions().create(CHAT));

        assertServiceError(e, 429, "rate_limit_exceeded");
        assertEquals(List.of("7"), e.headers().values("retry-after"));
        assertEquals(1, upstream.requestCount(), "no retry with maxRetries(0)");
    }

    @Test
    void upstreamServerErrorReachesTheSdkWithTheUpstreamsMessage() {
        // The gateway retries a 500; one that persists through every attempt reaches the client.
        for (int i = 0; i < io.brokle.config.Route.DEFAULT_MAX_ATTEMPTS; i++) {
            upstream.enqueue(Behaviour.status(500, "server_error", "The model is overloaded, try again (upstream #42)."));
        }

        InternalServerException e = assertThrows(InternalServerException.class,
                () -> client.chat().completions().create(CHAT));

        assertEquals(500, e.statusCode());
        assertEquals("server_error", e.type().orElseThrow());
        assertTrue(e.getMessage().contains("The model is overloaded, try again (upstream #42)."), e.getMessage());
        assertNothingLeaks(e.body().toString());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void missingMessagesIsABadRequest() {
        ChatCompletionCreateParams noMessages = ChatCompletionCreateParams.builder()
                .model("gpt-test")
                .messages((JsonField) JsonMissing.of())
                .build();

        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(noMessages));

        assertServiceError(e, 400, null);
        assertEquals("messages", e.param().orElseThrow());
        assertEquals(0, upstream.requestCount(), "the gateway refused it itself");
    }

    @Test
    void chatThroughTheBuiltInMockProviderLikeTheDemoRoute() {
        MockOptions options = new MockOptions(Duration.ZERO, Duration.ZERO, 5, 12, 32);
        String yaml = "providers:\n"
                + "  - name: mock\n"
                + "    kind: mock\n"
                + "    mock: {latency: 0ms, chunkDelay: 0ms, chunks: 5, chunkChars: 12, embeddingDimensions: 32}\n"
                + "deployments:\n"
                + "  - {name: demo-mock, provider: mock, model: mock-1}\n"
                + "routes:\n"
                + "  - {model: demo, deployments: [demo-mock]}\n"
                + EndToEndSupport.keyYaml();
        MockCompletions.Completion expected = expectedCompletion(options, "Hello!");
        ChatCompletionCreateParams hello = ChatCompletionCreateParams.builder().model("demo").addUserMessage("Hello!").build();

        try (TestGateway demo = TestGateway.start(yaml); EndToEndSupport.Sdk demoSdk = sdk(demo, TestGateway.KEY)) {
            OpenAIClient demoClient = demoSdk.api();
            ChatCompletion whole = demoClient.chat().completions().create(hello).validate();
            StringBuilder streamed = new StringBuilder();
            stream(demoClient, hello).forEach(chunk -> chunk.choices()
                    .forEach(c -> c.delta().content().ifPresent(streamed::append)));

            assertEquals(expected.content(), whole.choices().getFirst().message().content().orElseThrow());
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, whole.choices().getFirst().finishReason());
            assertEquals(expected.totalTokens(), whole.usage().orElseThrow().totalTokens());
            assertEquals(expected.content(), streamed.toString());
            assertEquals(List.of("demo"), ids(demoClient.models().list().data()));
        }
    }

    /** Every chunk of a streamed chat, validated; the stream must end without an error. */
    static List<ChatCompletionChunk> stream(OpenAIClient client, ChatCompletionCreateParams params) {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunks.add(chunk.validate()));
        }
        return chunks;
    }

    private static void assertServiceError(OpenAIServiceException e, int status, String code) {
        assertEquals(status, e.statusCode());
        if (code == null) {
            assertTrue(e.code().isEmpty(), () -> "code: " + e.code());
        } else {
            assertEquals(code, e.code().orElse(null), e::getMessage);
        }
        assertFalse(e.headers().values("x-request-id").isEmpty(), "every answer carries x-request-id");
        assertNothingLeaks(e.getMessage());
    }

    private static void assertEmbedding(float[] expected, List<Float> actual) {
        assertEquals(expected.length, actual.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual.get(i), "component " + i);
        }
    }

    private static List<String> ids(List<Model> models) {
        return models.stream().map(Model::id).toList();
    }

    @Test
    void legacyCompletionsAreRelayedForTheSdk() {
        com.openai.models.completions.Completion answer = client.completions().create(
                com.openai.models.completions.CompletionCreateParams.builder()
                        .model(com.openai.models.completions.CompletionCreateParams.Model.of("gpt-test"))
                        .prompt(PROMPT).build());

        assertEquals("text_completion", answer._object_().asString().orElseThrow());
        assertFalse(answer.choices().get(0).text().isEmpty());
        assertEquals("upstream-model", upstream.requests().getLast().bodyJson().get("model").asText(),
                "the public model name was rewritten for the deployment");
    }
}
