package io.brokle.proxy.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.adapt.anthropic.AnthropicClientAnswers;
import io.brokle.proxy.adapt.anthropic.AnthropicToOpenAiRequest;
import io.brokle.proxy.adapt.anthropic.TranslatedRequest;
import io.brokle.proxy.http.BadRequestException;
import io.brokle.proxy.http.BodyRewriter;
import io.brokle.proxy.http.Endpoint;
import io.brokle.proxy.http.RequestSniffer;
import io.brokle.proxy.http.SniffedRequest;
import io.brokle.proxy.route.RouteSelector.Candidate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attempts for a client of Anthropic's {@code POST /v1/messages} (and
 * {@code /v1/messages/count_tokens}).
 * <ul>
 *   <li>To an Anthropic provider the client's body goes as it is (only the model name is spliced
 *       in when the deployment's differs, see {@link BodyRewriter}), to the same path, with
 *       the provider's key as {@code x-api-key} instead of the client's credential, the client's
 *       {@code anthropic-version} (else the provider's) and {@code anthropic-beta}. Its answers,
 *       streamed or not, pass as they are.</li>
 *   <li>To every other provider the request is translated to an OpenAI chat completion once
 *       ({@link AnthropicToOpenAiRequest}) and each attempt goes through {@link OpenAiAttempts}
 *       like an OpenAI client's request (relayed, or translated again by the provider's adapter);
 *       {@link AnthropicClientAnswers} turns the OpenAI answer back into Anthropic's format.
 *       What the translation could not carry is named in {@code x-brokle-dropped-params}; what it
 *       cannot express at all is a 400. Token counting is not translated: a 400 says so.</li>
 * </ul>
 * One per client request: it keeps the translation for the request's later attempts.
 */
final class AnthropicClientAttempts implements AttemptPreparer {
    private TranslatedRequest translated;

    @Override
    public PreparedAttempt prepare(Candidate c, ByteBuf body, SniffedRequest sniffed, RelayRequest request,
                                   MockUpstreams mocks, ByteBufAllocator alloc) throws TranslationException {
        if (c.provider().kind() == ProviderKind.ANTHROPIC) {
            return relayed(c, body, sniffed, request);
        }
        if (request.endpoint() != Endpoint.MESSAGES) {
            throw new TranslationException("Provider \"" + c.provider().name() + "\" does not offer "
                    + request.endpoint().path() + ": it is served for models on Anthropic deployments only.", null);
        }
        TranslatedRequest openAi = translated(body);
        ByteBuf openAiBody = encode(openAi, alloc);
        try {
            SniffedRequest openAiSniffed = RequestSniffer.sniff(openAiBody, Endpoint.CHAT_COMPLETIONS);
            PreparedAttempt attempt = OpenAiAttempts.prepare(c, Endpoint.CHAT_COMPLETIONS, openAiBody, openAiSniffed,
                    mocks, alloc);
            return new PreparedAttempt(attempt.target(), attempt.body(),
                    new AnthropicClientAnswers(attempt.translator(), openAi.droppedParamsHeader()));
        } catch (BadRequestException e) {
            throw new TranslationException(e.getMessage(), e.param());
        } finally {
            openAiBody.release();
        }
    }

    private static PreparedAttempt relayed(Candidate c, ByteBuf body, SniffedRequest sniffed, RelayRequest request) {
        Provider provider = c.provider();
        List<Map.Entry<String, String>> headers = new ArrayList<>(3);
        headers.add(Map.entry("x-api-key", provider.apiKey()));
        boolean clientVersion = false;
        for (Map.Entry<String, String> header : request.formatHeaders()) {
            headers.add(header);
            clientVersion |= header.getKey().equals("anthropic-version");
        }
        if (!clientVersion) {
            headers.add(Map.entry("anthropic-version", provider.apiVersion() != null ? provider.apiVersion()
                    : Provider.DEFAULT_ANTHROPIC_VERSION));
        }
        return new PreparedAttempt(UpstreamTarget.translated(provider, c.deployment(), request.endpoint().path(),
                List.copyOf(headers)),
                BodyRewriter.rewrite(body.retainedDuplicate(), sniffed, c.deployment().model(), false), null);
    }

    /** The request as an OpenAI chat completion, translated on the first attempt that needs it. */
    private TranslatedRequest translated(ByteBuf body) throws TranslationException {
        if (translated == null) {
            JsonNode tree;
            try (InputStream in = new ByteBufInputStream(body.duplicate())) {
                tree = Json.MAPPER.readTree(in);
            } catch (IOException e) {
                throw new TranslationException("The request body is not valid JSON.", null);
            }
            translated = AnthropicToOpenAiRequest.translate(tree);
        }
        return translated;
    }

    private static ByteBuf encode(TranslatedRequest openAi, ByteBufAllocator alloc) {
        byte[] bytes = Json.write(openAi.body()).getBytes(StandardCharsets.UTF_8);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }
}
