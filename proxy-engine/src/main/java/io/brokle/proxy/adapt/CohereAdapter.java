package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.proxy.adapt.cohere.CohereErrors;
import io.brokle.proxy.adapt.cohere.CohereRequest;
import io.brokle.proxy.adapt.cohere.CohereStreamToOpenAi;
import io.brokle.proxy.adapt.cohere.CohereToOpenAiChat;
import io.brokle.proxy.adapt.cohere.CohereToOpenAiEmbeddings;
import io.brokle.proxy.adapt.cohere.OpenAiToCohereChat;
import io.brokle.proxy.adapt.cohere.OpenAiToCohereEmbed;
import io.brokle.proxy.http.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat completions and embeddings to a Cohere deployment, through Cohere's v2 API:
 * {@code POST /v2/chat} (streamed or not) and {@code POST /v2/embed}, with
 * {@code Authorization: Bearer <key>}. The request is re-encoded by the translators of
 * {@code adapt.cohere}, and the answer, whole or streamed, comes back in OpenAI's format. Legacy
 * completions are refused (400): Cohere's v2 API has no such endpoint.
 */
final class CohereAdapter implements ProviderAdapter {
    private static final OpenAiToCohereChat CHAT = new OpenAiToCohereChat();

    @Override
    public TranslatedAttempt prepare(Endpoint endpoint, ByteBuf clientBody, Provider provider, Deployment deployment,
                                     ByteBufAllocator alloc) throws TranslationException {
        if (endpoint == Endpoint.COMPLETIONS) {
            throw new TranslationException("Provider \"" + provider.name() + "\" (Cohere) does not offer "
                    + endpoint.path() + ".", null);
        }
        ObjectNode request = readObject(clientBody);
        String model = deployment.model();
        request.put("model", model);
        CohereRequest translated;
        String path;
        ResponseTranslator translator;
        String accept = "application/json";
        if (endpoint == Endpoint.EMBEDDINGS) {
            OpenAiToCohereEmbed.Translated embed = OpenAiToCohereEmbed.translate(request);
            translated = embed.request();
            path = "/v2/embed";
            translator = new EmbeddingAnswers(model, embed.base64(), translated.droppedParamsHeader());
        } else {
            translated = CHAT.translate(request);
            path = "/v2/chat";
            // Usage is always asked for, so that tokens and cost are known; the relay hides the
            // usage chunk from clients that did not ask for it.
            translator = new ChatAnswers(model, translated.droppedParamsHeader());
            if (translated.body().path("stream").asBoolean(false)) {
                accept = "text/event-stream";
            }
        }
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(translated.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
        ByteBuf body = alloc.buffer(bytes.length).writeBytes(bytes);
        List<Map.Entry<String, String>> headers = List.of(
                Map.entry("authorization", "Bearer " + provider.apiKey()),
                Map.entry("accept", accept));
        return new TranslatedAttempt(body, path, headers, translator);
    }

    private static ObjectNode readObject(ByteBuf body) throws TranslationException {
        JsonNode parsed;
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            parsed = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new TranslationException("The request body is not valid JSON.", null);
        }
        if (!(parsed instanceof ObjectNode object)) {
            throw new TranslationException("The request body must be a JSON object.", null);
        }
        return object;
    }

    private static JsonNode readAnswer(ByteBuf body) throws TranslationException {
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw TranslationException.badUpstream("The provider's answer is not valid JSON.");
        }
    }

    private static byte[] encode(JsonNode answer) {
        try {
            return Json.MAPPER.writeValueAsBytes(answer);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
    }

    /** The answer side of one chat attempt. */
    private static final class ChatAnswers implements ResponseTranslator {
        private final String model;
        private final String dropped;
        private final long created = Instant.now().getEpochSecond();
        private CohereStreamToOpenAi stream;
        private boolean doneSent;

        ChatAnswers(String model, String dropped) {
            this.model = model;
            this.dropped = dropped;
        }

        @Override
        public byte[] answer(ByteBuf providerBody) throws TranslationException {
            return encode(CohereToOpenAiChat.translate(readAnswer(providerBody), model, created));
        }

        @Override
        public TranslatedError error(int status, ByteBuf providerBody) {
            return CohereErrors.toOpenAi(status, providerBody.toString(StandardCharsets.UTF_8));
        }

        @Override
        public List<String> event(ByteBuf providerEvent) {
            if (stream == null) {
                stream = new CohereStreamToOpenAi(model, created, true);
            }
            String name = null;
            StringBuilder data = new StringBuilder();
            for (String line : providerEvent.toString(StandardCharsets.UTF_8).split("\r?\n")) {
                if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).trim());
                }
            }
            if (data.isEmpty() || doneSent || stream.failed()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String chunk : stream.feed(name, data.toString())) {
                out.add("data: " + chunk + "\n\n");
            }
            if (stream.completed() && !doneSent) {
                doneSent = true;
                out.add("data: [DONE]\n\n");
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

    /** The answer side of one embeddings attempt; never streamed. */
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
            return encode(CohereToOpenAiEmbeddings.translate(readAnswer(providerBody), model, base64));
        }

        @Override
        public TranslatedError error(int status, ByteBuf providerBody) {
            return CohereErrors.toOpenAi(status, providerBody.toString(StandardCharsets.UTF_8));
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
