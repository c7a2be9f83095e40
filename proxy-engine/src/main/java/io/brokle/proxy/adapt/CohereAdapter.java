package io.brokle.proxy.adapt;

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
import java.time.Instant;
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
        ObjectNode request = AdapterSupport.readRequest(clientBody);
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
            translator = new EmbeddingAnswers(answer -> CohereToOpenAiEmbeddings.translate(answer, model, embed.base64()),
                    CohereErrors::toOpenAi, translated.droppedParamsHeader());
        } else {
            translated = CHAT.translate(request);
            path = "/v2/chat";
            // Usage is always asked for, so that tokens and cost are known; the relay hides the
            // usage chunk from clients that did not ask for it.
            long created = Instant.now().getEpochSecond();
            translator = new NamedEventAnswers(answer -> CohereToOpenAiChat.translate(answer, model, created),
                    CohereErrors::toOpenAi, () -> new CohereStreamToOpenAi(model, created, true),
                    translated.droppedParamsHeader());
            if (translated.body().path("stream").asBoolean(false)) {
                accept = "text/event-stream";
            }
        }
        ByteBuf body = AdapterSupport.encode(translated.body(), alloc);
        List<Map.Entry<String, String>> headers = List.of(
                Map.entry("authorization", "Bearer " + provider.apiKey()),
                Map.entry("accept", accept));
        return new TranslatedAttempt(body, path, headers, translator);
    }
}
