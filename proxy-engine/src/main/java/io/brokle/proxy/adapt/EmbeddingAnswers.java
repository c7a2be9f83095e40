package io.brokle.proxy.adapt;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The answer side of one embeddings attempt to a provider that answers embeddings with one JSON
 * document (never streamed): the document goes through the provider's own translation, an error
 * through the provider's error mapping.
 */
final class EmbeddingAnswers implements ResponseTranslator {
    private final AnswerTranslation translation;
    private final ErrorTranslation errors;
    private final String dropped;

    /** @param dropped parameters the provider could not take, comma-separated, or null */
    EmbeddingAnswers(AnswerTranslation translation, ErrorTranslation errors, String dropped) {
        this.translation = translation;
        this.errors = errors;
        this.dropped = dropped;
    }

    @Override
    public byte[] answer(ByteBuf providerBody) throws TranslationException {
        return AdapterSupport.encode(translation.toOpenAi(AdapterSupport.readAnswer(providerBody)));
    }

    @Override
    public TranslatedError error(int status, ByteBuf providerBody) {
        return errors.toOpenAi(status, providerBody.toString(StandardCharsets.UTF_8));
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
