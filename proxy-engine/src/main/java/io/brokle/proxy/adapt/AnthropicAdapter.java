package io.brokle.proxy.adapt;

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
        long created = Instant.now().getEpochSecond();
        ResponseTranslator answers = new NamedEventAnswers(
                message -> AnthropicToOpenAiResponse.translate(message, reply, created), AnthropicErrors::toOpenAi,
                () -> new AnthropicStreamToOpenAi(reply, created), translated.droppedParamsHeader());
        return new TranslatedAttempt(body, "/v1/messages", headers, answers);
    }
}
