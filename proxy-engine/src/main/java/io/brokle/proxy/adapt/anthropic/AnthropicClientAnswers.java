package io.brokle.proxy.adapt.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.brokle.proxy.adapt.Json;
import io.brokle.proxy.adapt.ResponseTranslator;
import io.brokle.proxy.adapt.TranslatedError;
import io.brokle.proxy.adapt.TranslationException;
import io.brokle.proxy.adapt.StreamFramer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer side of one attempt for a client of {@code /v1/messages} served by a provider that
 * is not Anthropic: the provider's answer is first made OpenAI's (by the provider adapter's own
 * translator, or as it is for OpenAI-format providers), then Anthropic's
 * ({@link OpenAiToAnthropicResponse}, {@link OpenAiStreamToAnthropic}, {@link AnthropicErrors}).
 * So the chain Anthropic client, OpenAI, provider, OpenAI, Anthropic client works for every
 * adapter without knowing it.
 * <ul>
 *   <li>An error answer that is not an OpenAI error document (an HTML page from a proxy) becomes
 *       502 {@code api_error}, as it would be 502 {@code upstream_malformed} for an OpenAI client.</li>
 *   <li>{@link #droppedParams} lists what the Anthropic to OpenAI translation dropped, then what
 *       the adapter dropped.</li>
 * </ul>
 * One instance per attempt, used on one event loop.
 */
public final class AnthropicClientAnswers implements ResponseTranslator {
    private final ResponseTranslator openAi;
    private final String dropped;
    private final OpenAiStreamToAnthropic stream = new OpenAiStreamToAnthropic();

    /**
     * @param openAi        the adapter's translator to OpenAI's format, or {@code null} when the
     *                      provider answers in OpenAI's format itself
     * @param clientDropped what the request's translation to OpenAI dropped, comma-separated, or null
     */
    public AnthropicClientAnswers(ResponseTranslator openAi, String clientDropped) {
        this.openAi = openAi;
        String adapterDropped = openAi == null ? null : openAi.droppedParams();
        this.dropped = clientDropped == null ? adapterDropped
                : adapterDropped == null ? clientDropped : clientDropped + ", " + adapterDropped;
    }

    @Override
    public byte[] answer(ByteBuf providerBody) throws TranslationException {
        JsonNode completion;
        if (openAi == null) {
            try (InputStream in = new ByteBufInputStream(providerBody.duplicate())) {
                completion = Json.MAPPER.readTree(in);
            } catch (IOException e) {
                throw TranslationException.badUpstream("The provider's answer is not valid JSON.");
            }
        } else {
            completion = Json.parseOrNull(new String(openAi.answer(providerBody), StandardCharsets.UTF_8));
        }
        if (completion == null || !completion.isObject()) {
            throw TranslationException.badUpstream("The provider's answer is not a JSON object.");
        }
        return Json.write(OpenAiToAnthropicResponse.translate(completion)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public TranslatedError error(int status, ByteBuf providerBody) {
        return error(status, null, providerBody);
    }

    /** The adapter's translator sees the error's headers too (AWS names its errors in one). */
    @Override
    public TranslatedError error(int status, HttpHeaders headers, ByteBuf providerBody) {
        int openAiStatus = status;
        java.time.Duration retryAfter = null;
        String body;
        if (openAi == null) {
            body = providerBody.toString(StandardCharsets.UTF_8);
        } else {
            TranslatedError translated = headers == null ? openAi.error(status, providerBody)
                    : openAi.error(status, headers, providerBody);
            openAiStatus = translated.status();
            retryAfter = translated.retryAfter();
            body = translated.json();
        }
        JsonNode parsed = Json.parseOrNull(body);
        if (parsed == null || !parsed.path("error").isObject()) {
            return new TranslatedError(502, AnthropicErrors.anthropicError("api_error",
                    "The provider answered HTTP " + status + " without an error document."));
        }
        return AnthropicErrors.toAnthropic(openAiStatus, body).withRetryAfter(retryAfter);
    }

    @Override
    public List<String> event(ByteBuf providerEvent) {
        if (stream.failed() || stream.completed()) {
            return List.of();
        }
        List<String> openAiEvents = openAi == null ? List.of(providerEvent.toString(StandardCharsets.UTF_8))
                : openAi.event(providerEvent);
        List<String> out = new ArrayList<>();
        for (String event : openAiEvents) {
            String data = dataOf(event);
            if (data != null) {
                for (AnthropicEvent translated : stream.feed(data)) {
                    out.add(translated.toSse());
                }
            }
        }
        return out;
    }

    @Override
    public boolean failed() {
        return stream.failed();
    }

    /** A provider streaming in a framing of its own (AWS event streams) streams for Anthropic clients too. */
    @Override
    public StreamFramer streamFramer(String contentType) {
        return openAi == null ? null : openAi.streamFramer(contentType);
    }

    @Override
    public String droppedParams() {
        return dropped;
    }

    /** The {@code data:} of one OpenAI event (lines joined), or null for a comment or keep-alive. */
    private static String dataOf(String event) {
        StringBuilder data = null;
        for (String line : event.split("\r?\n")) {
            if (line.startsWith("data:")) {
                String value = line.substring(line.startsWith("data: ") ? 6 : 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return data == null ? null : data.toString();
    }
}
