package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.proxy.http.Endpoint;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.proxy.adapt.anthropic.AnthropicErrors;
import io.brokle.proxy.adapt.anthropic.AnthropicStreamToOpenAi;
import io.brokle.proxy.adapt.anthropic.AnthropicToOpenAiResponse;
import io.brokle.proxy.adapt.anthropic.OpenAiToAnthropicRequest;
import io.brokle.proxy.adapt.anthropic.ReplyOptions;
import io.brokle.proxy.adapt.anthropic.TranslatedRequest;
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
 * OpenAI chat requests to an Anthropic deployment: the request is re-encoded for the Messages
 * API (by design: translation cannot be zero-copy), and the answer, whole or streamed, comes
 * back in OpenAI's format through the translators of {@code adapt.anthropic}.
 */
final class AnthropicAdapter implements ProviderAdapter {
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final OpenAiToAnthropicRequest REQUESTS = new OpenAiToAnthropicRequest();

    @Override
    public TranslatedAttempt prepare(Endpoint endpoint, ByteBuf clientBody, Provider provider, Deployment deployment,
                                     ByteBufAllocator alloc) throws TranslationException {
        if (endpoint != Endpoint.CHAT_COMPLETIONS) {
            throw new TranslationException("Provider \"" + provider.name() + "\" (Anthropic) does not offer "
                    + endpoint.path() + ".", null);
        }
        String upstreamModel = deployment.model();
        JsonNode request;
        try (InputStream in = new ByteBufInputStream(clientBody.duplicate())) {
            request = JSON.readTree(in);
        } catch (IOException e) {
            throw new TranslationException("The request body is not valid JSON.", null);
        }
        if (!(request instanceof ObjectNode object)) {
            throw new TranslationException("The request body must be a JSON object.", null);
        }
        object.put("model", upstreamModel);
        TranslatedRequest translated = REQUESTS.translate(object);
        // Usage is always asked for, so that tokens and cost are known; the relay hides the
        // usage chunk from clients that did not ask for it.
        ReplyOptions reply = new ReplyOptions(translated.reply().jsonResponseTool(), true);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(translated.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a JSON tree", e);
        }
        ByteBuf body = alloc.buffer(bytes.length).writeBytes(bytes);
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
            JsonNode message;
            try (InputStream in = new ByteBufInputStream(providerBody.duplicate())) {
                message = JSON.readTree(in);
            } catch (IOException e) {
                throw TranslationException.badUpstream("The provider's answer is not valid JSON.");
            }
            try {
                return JSON.writeValueAsBytes(AnthropicToOpenAiResponse.translate(message, reply, created));
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode a JSON tree", e);
            }
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
}
