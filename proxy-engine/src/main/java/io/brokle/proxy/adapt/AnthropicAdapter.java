package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.proxy.http.Endpoint;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.anthropic.AnthropicErrors;
import io.brokle.proxy.adapt.anthropic.AnthropicStreamToOpenAi;
import io.brokle.proxy.adapt.anthropic.AnthropicToOpenAiResponse;
import io.brokle.proxy.adapt.anthropic.OpenAiToAnthropicRequest;
import io.brokle.proxy.adapt.anthropic.ReplyOptions;
import io.brokle.proxy.adapt.anthropic.TranslatedRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * OpenAI chat requests to an Anthropic deployment: the request is re-encoded for the Messages
 * API (by design: translation cannot be zero-copy), and the answer, whole or streamed, comes
 * back in OpenAI's format through the translators of {@code adapt.anthropic}.
 */
final class AnthropicAdapter implements ProviderAdapter {
    private static final OpenAiToAnthropicRequest REQUESTS = new OpenAiToAnthropicRequest();

    @Override
    public TranslatedAttempt prepare(Endpoint endpoint, ByteBuf clientBody, Provider provider, Deployment deployment,
                                     ByteBufAllocator alloc) throws TranslationException {
        if (endpoint != Endpoint.CHAT_COMPLETIONS) {
            throw new TranslationException("Provider \"" + provider.name() + "\" (Anthropic) does not offer "
                    + endpoint.path() + ".", null);
        }
        String upstreamModel = deployment.model();
        ObjectNode object = AdapterSupport.readRequest(clientBody);
        object.put("model", upstreamModel);
        TranslatedRequest translated = REQUESTS.translate(object);
        // Usage is always asked for, so that tokens and cost are known; the relay hides the
        // usage chunk from clients that did not ask for it.
        ReplyOptions reply = new ReplyOptions(translated.reply().jsonResponseTool(), true);
        ByteBuf body = AdapterSupport.encode(translated.body(), alloc);
        List<Map.Entry<String, String>> headers = List.of(Map.entry("x-api-key", provider.apiKey()),
                Map.entry("anthropic-version", provider.apiVersion() != null ? provider.apiVersion()
                        : Provider.DEFAULT_ANTHROPIC_VERSION));
        return new TranslatedAttempt(body, "/v1/messages", headers, new Answers(reply, translated.droppedParamsHeader()));
    }

    /** The answer side of one attempt. */
    private static final class Answers implements ResponseTranslator {
        private final ReplyOptions reply;
        private final String dropped;
        private final long created = Instant.now().getEpochSecond();
        private AnthropicStreamToOpenAi stream;
        private boolean doneSent;

        Answers(ReplyOptions reply, String dropped) {
            this.reply = reply;
            this.dropped = dropped;
        }

        @Override
        public byte[] answer(ByteBuf providerBody) throws TranslationException {
            JsonNode message = AdapterSupport.readAnswer(providerBody);
            return AdapterSupport.encode(AnthropicToOpenAiResponse.translate(message, reply, created));
        }

        @Override
        public TranslatedError error(int status, ByteBuf providerBody) {
            return AnthropicErrors.toOpenAi(status, providerBody.toString(StandardCharsets.UTF_8));
        }

        @Override
        public List<String> event(ByteBuf providerEvent) {
            if (stream == null) {
                stream = new AnthropicStreamToOpenAi(reply, created);
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
}
