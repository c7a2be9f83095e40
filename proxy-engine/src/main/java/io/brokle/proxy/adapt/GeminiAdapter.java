package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.proxy.adapt.gemini.GeminiEmbeddings;
import io.brokle.proxy.adapt.gemini.GeminiErrors;
import io.brokle.proxy.adapt.gemini.GeminiRequest;
import io.brokle.proxy.adapt.gemini.GeminiStreamToOpenAi;
import io.brokle.proxy.adapt.gemini.GeminiToOpenAiResponse;
import io.brokle.proxy.adapt.gemini.OpenAiToGeminiRequest;
import io.brokle.proxy.http.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat completions and embeddings to a Gemini deployment (Google's Gemini API): chat goes
 * to {@code /v1beta/models/{model}:generateContent}, or {@code :streamGenerateContent?alt=sse}
 * when streamed, embeddings to {@code :batchEmbedContents}, with the key in
 * {@code x-goog-api-key}. Requests are re-encoded and answers, whole or streamed, come back in
 * OpenAI's format through the translators of {@code adapt.gemini}. Legacy completions are refused
 * (400): Gemini has no such endpoint.
 */
final class GeminiAdapter implements ProviderAdapter {
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final OpenAiToGeminiRequest REQUESTS = new OpenAiToGeminiRequest();

    @Override
    public TranslatedAttempt prepare(Endpoint endpoint, ByteBuf clientBody, Provider provider, Deployment deployment,
                                     ByteBufAllocator alloc) throws TranslationException {
        if (endpoint == Endpoint.COMPLETIONS) {
            throw new TranslationException("Provider \"" + provider.name() + "\" (Gemini) does not offer "
                    + endpoint.path() + ": use /v1/chat/completions.", null);
        }
        String model = deployment.model().startsWith("models/") ? deployment.model().substring(7) : deployment.model();
        String modelPath = "/v1beta/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8);
        List<Map.Entry<String, String>> headers = List.of(Map.entry("x-goog-api-key",
                provider.apiKey() == null ? "" : provider.apiKey()));
        JsonNode request = read(clientBody);
        if (endpoint == Endpoint.EMBEDDINGS) {
            GeminiEmbeddings.Request translated = GeminiEmbeddings.request(request, model);
            return new TranslatedAttempt(encode(translated.body(), alloc), modelPath + ":batchEmbedContents", headers,
                    new EmbeddingAnswers(model, translated.base64(),
                            translated.droppedParams().isEmpty() ? null : String.join(", ", translated.droppedParams())));
        }
        GeminiRequest translated = REQUESTS.translate(request, model);
        String path = modelPath + (translated.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent");
        return new TranslatedAttempt(encode(translated.body(), alloc), path, headers,
                new ChatAnswers(model, translated.candidates(), translated.droppedParamsHeader()));
    }

    private static JsonNode read(ByteBuf clientBody) throws TranslationException {
        JsonNode request;
        try (InputStream in = new ByteBufInputStream(clientBody.duplicate())) {
            request = JSON.readTree(in);
        } catch (IOException e) {
            throw new TranslationException("The request body is not valid JSON.", null);
        }
        if (!(request instanceof ObjectNode)) {
            throw new TranslationException("The request body must be a JSON object.", null);
        }
        return request;
    }

    private static ByteBuf encode(JsonNode body, ByteBufAllocator alloc) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }

    private static JsonNode readAnswer(ByteBuf providerBody) throws TranslationException {
        try (InputStream in = new ByteBufInputStream(providerBody.duplicate())) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw TranslationException.badUpstream("The provider's answer is not valid JSON.");
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
    }

    /** The answer side of one chat attempt. */
    private static final class ChatAnswers implements ResponseTranslator {
        private final String model;
        private final int candidates;
        private final String dropped;
        private final long created = Instant.now().getEpochSecond();
        private GeminiStreamToOpenAi stream;

        ChatAnswers(String model, int candidates, String dropped) {
            this.model = model;
            this.candidates = candidates;
            this.dropped = dropped;
        }

        @Override
        public byte[] answer(ByteBuf providerBody) throws TranslationException {
            return bytes(GeminiToOpenAiResponse.translate(readAnswer(providerBody), model, created));
        }

        @Override
        public TranslatedError error(int status, ByteBuf providerBody) {
            return GeminiErrors.toOpenAi(status, providerBody.toString(StandardCharsets.UTF_8));
        }

        @Override
        public List<String> event(ByteBuf providerEvent) {
            if (stream == null) {
                stream = new GeminiStreamToOpenAi(model, created, candidates);
            }
            StringBuilder data = new StringBuilder();
            for (String line : providerEvent.toString(StandardCharsets.UTF_8).split("\r?\n")) {
                if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).trim());
                }
            }
            if (data.isEmpty()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String chunk : stream.feed(data.toString())) {
                out.add("data: " + chunk + "\n\n");
            }
            return out;
        }

        @Override
        public boolean failed() {
            return stream != null && stream.failed();
        }

        @Override
        public String droppedParams() {
            return dropped;
        }
    }

    /** The answer side of one embeddings attempt (never streamed). */
    private static final class EmbeddingAnswers implements ResponseTranslator {
        private final String model;
        private final boolean base64;
        private final String dropped;

        EmbeddingAnswers(String model, boolean base64, String dropped) {
            this.model = model;
            this.base64 = base64;
            this.dropped = dropped;
        }

        @Override
        public byte[] answer(ByteBuf providerBody) throws TranslationException {
            return bytes(GeminiEmbeddings.answer(readAnswer(providerBody), model, base64));
        }

        @Override
        public TranslatedError error(int status, ByteBuf providerBody) {
            return GeminiErrors.toOpenAi(status, providerBody.toString(StandardCharsets.UTF_8));
        }

        @Override
        public List<String> event(ByteBuf providerEvent) {
            return List.of();
        }

        @Override
        public boolean failed() {
            return false;
        }

        @Override
        public String droppedParams() {
            return dropped;
        }
    }
}
