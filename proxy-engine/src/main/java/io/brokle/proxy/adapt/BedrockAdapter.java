package io.brokle.proxy.adapt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokle.config.AwsSigning;
import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.proxy.adapt.anthropic.ReplyOptions;
import io.brokle.proxy.adapt.anthropic.TranslatedRequest;
import io.brokle.proxy.adapt.bedrock.BedrockEmbeddings;
import io.brokle.proxy.adapt.bedrock.BedrockErrors;
import io.brokle.proxy.adapt.bedrock.ConverseStreamToOpenAi;
import io.brokle.proxy.adapt.bedrock.ConverseToOpenAiResponse;
import io.brokle.proxy.adapt.bedrock.EventStreamMessage;
import io.brokle.proxy.adapt.bedrock.EventStreamSplitter;
import io.brokle.proxy.adapt.bedrock.OpenAiToConverseRequest;
import io.brokle.proxy.adapt.bedrock.SigV4Signer;
import io.brokle.proxy.http.Endpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * OpenAI requests to an AWS Bedrock deployment: chat completions through the Converse API
 * ({@code POST /model/{modelId}/converse}, or {@code /converse-stream}, whose answer is an
 * {@code application/vnd.amazon.eventstream}), embeddings through {@code InvokeModel}
 * ({@code POST /model/{modelId}/invoke}); each request signed with AWS Signature Version 4 for the
 * service {@code bedrock} ({@link SigV4Signer}) at the time of the attempt. The model id is one
 * percent-encoded path segment ({@code v1:0} is sent as {@code v1%3A0}). The translations are
 * those of {@code adapt.bedrock}; legacy completions are refused (400).
 */
final class BedrockAdapter implements ProviderAdapter {
    /** Bedrock's signing name. */
    static final String SERVICE = "bedrock";
    static final String EVENT_STREAM = "application/vnd.amazon.eventstream";
    private static final OpenAiToConverseRequest REQUESTS = new OpenAiToConverseRequest();

    private final Clock clock;

    /** @param clock the time requests are signed at */
    BedrockAdapter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public TranslatedAttempt prepare(Endpoint endpoint, ByteBuf clientBody, Provider provider, Deployment deployment,
                                     ByteBufAllocator alloc) throws TranslationException {
        if (endpoint == Endpoint.COMPLETIONS) {
            throw new TranslationException("Provider \"" + provider.name() + "\" (Bedrock) does not offer "
                    + endpoint.path() + ": use /v1/chat/completions.", null);
        }
        AwsSigning aws = provider.aws();
        if (aws == null || !aws.hasCredentials()) {
            throw new TranslationException("Provider \"" + provider.name() + "\" (Bedrock) has no AWS credentials.", null);
        }
        ObjectNode request = AdapterSupport.readRequest(clientBody);
        String modelId = deployment.model();
        String action;
        ObjectNode body;
        List<String> dropped;
        Answers answers;
        if (endpoint == Endpoint.EMBEDDINGS) {
            BedrockEmbeddings.Request translated = BedrockEmbeddings.translate(request, modelId);
            action = "invoke";
            body = translated.body();
            dropped = translated.droppedParams();
            answers = new Answers(modelId, true, translated.base64(), false, ReplyOptions.PLAIN, dropped,
                    clock.instant().getEpochSecond());
        } else {
            TranslatedRequest translated = REQUESTS.translate(request, modelId);
            boolean stream = OpenAiToConverseRequest.stream(request);
            action = stream ? "converse-stream" : "converse";
            body = translated.body();
            dropped = translated.droppedParams();
            // Usage is always asked for, so that tokens and cost are known; the relay hides the
            // usage chunk from clients that did not ask for it.
            answers = new Answers(modelId, false, false, stream, new ReplyOptions(translated.reply().jsonResponseTool(), true),
                    dropped, clock.instant().getEpochSecond());
        }
        byte[] bytes = AdapterSupport.encode(body);
        String path = "/model/" + SigV4Signer.uriEncode(modelId) + "/" + action;
        URI base = provider.baseUrl();
        String host = base.getPort() > 0 ? base.getHost() + ":" + base.getPort() : base.getHost();
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        SigV4Signer signer = new SigV4Signer(aws.region(), SERVICE, aws.accessKeyId(), aws.secretAccessKey(),
                aws.sessionToken(), false);
        List<Map.Entry<String, String>> headers = new ArrayList<>(signer.sign("POST", host, basePath + path, null,
                List.of(), bytes, clock.instant()));
        headers.add(Map.entry("accept", answers.stream ? EVENT_STREAM : "application/json"));
        return new TranslatedAttempt(AdapterSupport.buffer(bytes, alloc), path, headers, answers);
    }

    /** The answer side of one attempt. */
    private static final class Answers implements ResponseTranslator {
        private final String modelId;
        private final boolean embeddings;
        private final boolean base64;
        private final boolean stream;
        private final ReplyOptions reply;
        private final String dropped;
        private final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        private final long created;
        private ConverseStreamToOpenAi events;
        private boolean doneSent;

        Answers(String modelId, boolean embeddings, boolean base64, boolean stream, ReplyOptions reply,
                List<String> dropped, long created) {
            this.modelId = modelId;
            this.created = created;
            this.embeddings = embeddings;
            this.base64 = base64;
            this.stream = stream;
            this.reply = reply;
            this.dropped = AdapterSupport.droppedHeader(dropped);
        }

        @Override
        public byte[] answer(ByteBuf providerBody) throws TranslationException {
            JsonNode answer = AdapterSupport.readAnswer(providerBody);
            ObjectNode translated = embeddings ? BedrockEmbeddings.answer(answer, modelId, base64)
                    : ConverseToOpenAiResponse.translate(answer, reply, id, modelId, created);
            return AdapterSupport.encode(translated);
        }

        @Override
        public TranslatedError error(int status, ByteBuf providerBody) {
            return BedrockErrors.toOpenAi(status, null, providerBody.toString(StandardCharsets.UTF_8));
        }

        @Override
        public TranslatedError error(int status, HttpHeaders headers, ByteBuf providerBody) {
            return BedrockErrors.toOpenAi(status, headers.get("x-amzn-ErrorType"),
                    providerBody.toString(StandardCharsets.UTF_8));
        }

        @Override
        public StreamFramer streamFramer(String contentType) {
            return stream && contentType.toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM)
                    ? new EventStreamSplitter(EventStreamSplitter.DEFAULT_MAX_FRAME_BYTES) : null;
        }

        @Override
        public List<String> event(ByteBuf providerEvent) {
            if (events == null) {
                events = new ConverseStreamToOpenAi(reply, id, modelId, created);
            }
            if (doneSent || events.failed()) {
                return List.of();
            }
            EventStreamMessage message;
            try {
                message = EventStreamMessage.decode(providerEvent);
            } catch (IllegalArgumentException e) {
                message = new EventStreamMessage(Map.of(":message-type", "error", ":error-code", "upstream_malformed",
                        ":error-message", "The provider sent an event stream message with malformed headers."), "");
            }
            List<String> chunks = events.feed(message);
            doneSent = events.completed();
            return AdapterSupport.dataEvents(chunks, doneSent);
        }

        @Override
        public boolean failed() {
            return events != null && events.failed();
        }

        @Override
        public String droppedParams() {
            return dropped;
        }
    }
}
