package io.brokle.proxy.mock;

import com.fasterxml.jackson.core.JsonGenerator;
import io.brokle.proxy.mock.MockCompletions.Completion;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import java.io.IOException;

/**
 * The SSE events of one streamed completion, encoded one at a time when asked for, so a stream
 * holds no buffer between its events. Chat streams are
 * <pre>
 *   role chunk, content chunk x chunks, finish chunk, [usage chunk], [DONE]
 * </pre>
 * and legacy text streams the same without the role chunk, as api.openai.com sends them. With
 * {@code include_usage} every chunk before the usage chunk carries {@code "usage":null}.
 */
final class StreamedCompletion {
    enum Api { CHAT, TEXT }

    private final Api api;
    private final String id;
    private final String model;
    private final Completion completion;
    private final boolean includeUsage;

    StreamedCompletion(Api api, String id, String model, Completion completion, boolean includeUsage) {
        this.api = api;
        this.id = id;
        this.model = model;
        this.completion = completion;
        this.includeUsage = includeUsage;
    }

    /** Events before the first content chunk: the role chunk of a chat stream. */
    int partsBeforeContent() {
        return api == Api.CHAT ? 1 : 0;
    }

    int parts() {
        return partsBeforeContent() + completion.chunks() + 1 + (includeUsage ? 1 : 0) + 1;
    }

    /** Event {@code index} as an HTTP content the caller owns; the last one is a {@code LastHttpContent}. */
    HttpContent part(int index, ByteBufAllocator alloc) {
        int last = parts() - 1;
        if (index == last) {
            return new DefaultLastHttpContent(OpenAiJson.sseDone(alloc));
        }
        int content = index - partsBeforeContent();
        OpenAiJson.Body event;
        if (content < 0) {
            event = json -> chunk(json, ChunkKind.ROLE, null);
        } else if (content < completion.chunks()) {
            String piece = completion.chunk(content);
            event = json -> chunk(json, ChunkKind.CONTENT, piece);
        } else if (content == completion.chunks()) {
            event = json -> chunk(json, ChunkKind.FINISH, null);
        } else {
            event = json -> chunk(json, ChunkKind.USAGE, null);
        }
        return new DefaultHttpContent(OpenAiJson.sseEvent(alloc, event));
    }

    private enum ChunkKind { ROLE, CONTENT, FINISH, USAGE }

    private void chunk(JsonGenerator json, ChunkKind kind, String piece) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", id);
        json.writeStringField("object", api == Api.CHAT ? "chat.completion.chunk" : "text_completion");
        json.writeNumberField("created", OpenAiJson.CREATED);
        json.writeStringField("model", model);
        json.writeStringField("system_fingerprint", OpenAiJson.SYSTEM_FINGERPRINT);
        json.writeArrayFieldStart("choices");
        if (kind != ChunkKind.USAGE) {
            if (api == Api.CHAT) {
                chatChoice(json, kind, piece);
            } else {
                textChoice(json, kind, piece);
            }
        }
        json.writeEndArray();
        if (kind == ChunkKind.USAGE) {
            json.writeFieldName("usage");
            if (api == Api.CHAT) {
                OpenAiJson.chatUsage(json, completion);
            } else {
                OpenAiJson.textUsage(json, completion);
            }
        } else if (includeUsage) {
            json.writeNullField("usage");
        }
        json.writeEndObject();
    }

    private static void chatChoice(JsonGenerator json, ChunkKind kind, String piece) throws IOException {
        json.writeStartObject();
        json.writeNumberField("index", 0);
        json.writeObjectFieldStart("delta");
        if (kind == ChunkKind.ROLE) {
            json.writeStringField("role", "assistant");
            json.writeStringField("content", "");
            json.writeNullField("refusal");
        } else if (kind == ChunkKind.CONTENT) {
            json.writeStringField("content", piece);
        }
        json.writeEndObject();
        json.writeNullField("logprobs");
        json.writeStringField("finish_reason", kind == ChunkKind.FINISH ? "stop" : null);
        json.writeEndObject();
    }

    private static void textChoice(JsonGenerator json, ChunkKind kind, String piece) throws IOException {
        json.writeStartObject();
        json.writeStringField("text", kind == ChunkKind.CONTENT ? piece : "");
        json.writeNumberField("index", 0);
        json.writeNullField("logprobs");
        json.writeStringField("finish_reason", kind == ChunkKind.FINISH ? "stop" : null);
        json.writeEndObject();
    }
}
