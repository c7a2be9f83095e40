package io.brokle.proxy.adapt;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The answer side of one chat attempt to a provider whose stream names its server-sent events
 * (Anthropic, Cohere): a whole answer and an error go through the provider's translations, a
 * stream through a {@link NamedEventStream} made at its first event, with {@code data: [DONE]}
 * once it completes whole.
 */
final class NamedEventAnswers implements ResponseTranslator {
    private final AnswerTranslation answers;
    private final ErrorTranslation errors;
    private final Supplier<NamedEventStream> streams;
    private final String dropped;
    private NamedEventStream stream;
    private boolean doneSent;

    /**
     * @param answers the provider's translation of a whole answer
     * @param errors  the provider's mapping of an error answer
     * @param streams makes the stream translator, once, at the first event
     * @param dropped parameters the provider could not take, comma-separated, or null
     */
    NamedEventAnswers(AnswerTranslation answers, ErrorTranslation errors,
                      Supplier<NamedEventStream> streams, String dropped) {
        this.answers = answers;
        this.errors = errors;
        this.streams = streams;
        this.dropped = dropped;
    }

    @Override
    public byte[] answer(ByteBuf providerBody) throws TranslationException {
        return AdapterSupport.encode(answers.toOpenAi(AdapterSupport.readAnswer(providerBody)));
    }

    @Override
    public TranslatedError error(int status, ByteBuf providerBody) {
        return errors.toOpenAi(status, providerBody.toString(StandardCharsets.UTF_8));
    }

    @Override
    public List<String> event(ByteBuf providerEvent) {
        if (stream == null) {
            stream = streams.get();
        }
        AdapterSupport.SseEvent sse = AdapterSupport.SseEvent.parse(providerEvent);
        if (sse.data().isEmpty() || doneSent || stream.failed()) {
            return List.of();
        }
        List<String> chunks = stream.feed(sse.name(), sse.data());
        doneSent = stream.completed();
        return AdapterSupport.dataEvents(chunks, doneSent);
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
