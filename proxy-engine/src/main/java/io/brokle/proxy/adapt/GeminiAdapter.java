package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
        ObjectNode request = AdapterSupport.readRequest(clientBody);
        if (endpoint == Endpoint.EMBEDDINGS) {
            GeminiEmbeddings.Request translated = GeminiEmbeddings.request(request, model);
            return new TranslatedAttempt(AdapterSupport.encode(translated.body(), alloc), modelPath + ":batchEmbedContents", headers,
                    new EmbeddingAnswers(answer -> GeminiEmbeddings.answer(answer, model, translated.base64()),
                            GeminiErrors::toOpenAi, AdapterSupport.droppedHeader(translated.droppedParams())));
        }
        GeminiRequest translated = REQUESTS.translate(request, model);
        String path = modelPath + (translated.stream() ? ":streamGenerateContent?alt=sse" : ":generateContent");
        return new TranslatedAttempt(AdapterSupport.encode(translated.body(), alloc), path, headers,
                new ChatAnswers(model, translated.candidates(), translated.droppedParamsHeader()));
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
            JsonNode answer = AdapterSupport.readAnswer(providerBody);
            return AdapterSupport.encode(GeminiToOpenAiResponse.translate(answer, model, created));
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
            String data = AdapterSupport.SseEvent.parse(providerEvent).data();
            if (data.isEmpty()) {
                return List.of();
            }
            return AdapterSupport.dataEvents(stream.feed(data), false);
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
}
