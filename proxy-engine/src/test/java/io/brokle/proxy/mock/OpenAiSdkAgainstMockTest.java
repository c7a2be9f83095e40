package io.brokle.proxy.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.brokle.config.MockOptions;
import io.brokle.proxy.netty.Transport;
import io.brokle.proxy.testing.RecordedRequest;
import io.brokle.proxy.testing.ScriptedUpstream;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The official openai-java SDK, pointed straight at the mock, parses every answer it gets. */
class OpenAiSdkAgainstMockTest {
    private static final MockCompletions COMPLETIONS = new MockCompletions(MockOptions.DEFAULTS);
    private static final ChatCompletionCreateParams HELLO = ChatCompletionCreateParams.builder()
            .model("gpt-4o-mini")
            .addUserMessage("hello")
            .build();

    private static EventLoopGroup group;
    private static MockProviderServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        Transport transport = Transport.detect();
        group = transport.newGroup(1, "mock-sdk-test");
        server = MockProviderServer.start(MockOptions.DEFAULTS, group, transport, "127.0.0.1", 0);
        client = sdkFor(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void sdkParsesNonStreamedChat() {
        ChatCompletion completion = client.chat().completions().create(HELLO).validate();

        assertEquals(COMPLETIONS.complete("user\nhello\n").content(),
                completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        assertEquals(MockOptions.DEFAULT_CHUNKS, completion.usage().orElseThrow().completionTokens());
    }

    @Test
    void sdkParsesStreamedChatWithUsage() {
        ChatCompletionCreateParams params = HELLO.toBuilder()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunks.add(chunk.validate()));
        }

        StringBuilder content = new StringBuilder();
        chunks.forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(content::append)));
        MockCompletions.Completion expected = COMPLETIONS.complete("user\nhello\n");
        assertEquals(expected.content(), content.toString());
        assertEquals(1 + MockOptions.DEFAULT_CHUNKS + 1 + 1, chunks.size());
        assertEquals(ChatCompletionChunk.Choice.FinishReason.STOP,
                chunks.get(chunks.size() - 2).choices().get(0).finishReason().orElseThrow());
        CompletionUsage usage = chunks.getLast().usage().orElseThrow();
        assertEquals(expected.totalTokens(), usage.totalTokens());
    }

    @Test
    void sdkParsesLegacyCompletionsWholeAndStreamed() {
        CompletionCreateParams params = CompletionCreateParams.builder()
                .model("gpt-3.5-turbo-instruct")
                .prompt("say hi")
                .build();
        String expected = COMPLETIONS.complete("say hi").content();

        Completion whole = client.completions().create(params).validate();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<Completion> stream = client.completions().createStreaming(params)) {
            // No validate(): streamed chunks carry "finish_reason":null, as OpenAI sends them, which the
            // SDK's Completion model declares required.
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> streamed.append(choice.text())));
        }

        assertEquals(expected, whole.choices().get(0).text());
        assertEquals(expected, streamed.toString());
    }

    @Test
    void sdkDecodesEmbeddings() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding-3-small")
                .input("fox")
                .build()).validate();

        List<Float> embedding = response.data().get(0).embedding();
        float[] expected = COMPLETIONS.embedding("fox");
        assertEquals(expected.length, embedding.size());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], embedding.get(i));
        }
        assertEquals(MockCompletions.tokensFor(3), response.usage().promptTokens());
    }

    @Test
    void sdkAsksForBase64EmbeddingsByDefault() throws Exception {
        try (ScriptedUpstream upstream = ScriptedUpstream.start()) {
            OpenAIClient recording = sdkFor(upstream.baseUrl());
            try {
                recording.embeddings().create(EmbeddingCreateParams.builder()
                        .model("text-embedding-3-small")
                        .input("fox")
                        .build());
            } finally {
                recording.close();
            }

            RecordedRequest request = upstream.takeRequest(Duration.ofSeconds(2));
            assertEquals("/v1/embeddings", request.path());
            assertEquals("base64", request.bodyJson().path("encoding_format").asText(), request.bodyText());
            assertEquals("Bearer test", request.header("authorization"));
        }
    }

    private static OpenAIClient sdkFor(String baseUrl) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("test").maxRetries(0).build();
    }
}
