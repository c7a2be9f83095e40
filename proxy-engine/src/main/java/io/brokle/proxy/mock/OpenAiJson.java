package io.brokle.proxy.mock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.brokle.proxy.mock.MockCompletions.Completion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * OpenAI response bodies, written with Jackson's streaming generator: whole bodies as byte
 * arrays, SSE events ({@code data: <json>\n\n}) straight into a new buffer the caller owns.
 * Field order and nulls follow what api.openai.com sends.
 */
final class OpenAiJson {
    /** The {@code created} of every mock answer: fixed, so answers are byte-for-byte repeatable. */
    static final long CREATED = 1_700_000_000L;
    static final String SYSTEM_FINGERPRINT = "fp_mock";

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Body {
        void writeTo(JsonGenerator json) throws IOException;
    }

    private OpenAiJson() {
    }

    static byte[] bytes(Body body) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            body.writeTo(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code data: <body>\n\n} in a new buffer owned by the caller. */
    static ByteBuf sseEvent(ByteBufAllocator alloc, Body body) {
        ByteBuf buf = alloc.buffer(256);
        boolean written = false;
        // ByteBufOutputStream is also a DataOutput: the cast picks the OutputStream overload.
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf);
             JsonGenerator json = JSON.createGenerator((OutputStream) out)) {
            out.write(DATA);
            body.writeTo(json);
            json.flush();
            out.write(EVENT_END);
            written = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!written) {
                buf.release();
            }
        }
        return buf;
    }

    /** {@code data: [DONE]\n\n} in a new buffer owned by the caller. */
    static ByteBuf sseDone(ByteBufAllocator alloc) {
        return alloc.buffer(DONE.length).writeBytes(DONE);
    }

    static void chatCompletion(JsonGenerator json, String id, String model, Completion completion)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("id", id);
        json.writeStringField("object", "chat.completion");
        json.writeNumberField("created", CREATED);
        json.writeStringField("model", model);
        json.writeArrayFieldStart("choices");
        json.writeStartObject();
        json.writeNumberField("index", 0);
        json.writeObjectFieldStart("message");
        json.writeStringField("role", "assistant");
        json.writeStringField("content", completion.content());
        json.writeNullField("refusal");
        json.writeEndObject();
        json.writeNullField("logprobs");
        json.writeStringField("finish_reason", "stop");
        json.writeEndObject();
        json.writeEndArray();
        json.writeFieldName("usage");
        chatUsage(json, completion);
        json.writeStringField("system_fingerprint", SYSTEM_FINGERPRINT);
        json.writeEndObject();
    }

    static void chatUsage(JsonGenerator json, Completion completion) throws IOException {
        json.writeStartObject();
        tokenCounts(json, completion);
        json.writeObjectFieldStart("prompt_tokens_details");
        json.writeNumberField("cached_tokens", 0);
        json.writeEndObject();
        json.writeObjectFieldStart("completion_tokens_details");
        json.writeNumberField("reasoning_tokens", 0);
        json.writeEndObject();
        json.writeEndObject();
    }

    static void textUsage(JsonGenerator json, Completion completion) throws IOException {
        json.writeStartObject();
        tokenCounts(json, completion);
        json.writeEndObject();
    }

    private static void tokenCounts(JsonGenerator json, Completion completion) throws IOException {
        json.writeNumberField("prompt_tokens", completion.promptTokens());
        json.writeNumberField("completion_tokens", completion.completionTokens());
        json.writeNumberField("total_tokens", completion.totalTokens());
    }

    static void textCompletion(JsonGenerator json, String id, String model, Completion completion)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("id", id);
        json.writeStringField("object", "text_completion");
        json.writeNumberField("created", CREATED);
        json.writeStringField("model", model);
        json.writeArrayFieldStart("choices");
        json.writeStartObject();
        json.writeStringField("text", completion.content());
        json.writeNumberField("index", 0);
        json.writeNullField("logprobs");
        json.writeStringField("finish_reason", "stop");
        json.writeEndObject();
        json.writeEndArray();
        json.writeFieldName("usage");
        textUsage(json, completion);
        json.writeStringField("system_fingerprint", SYSTEM_FINGERPRINT);
        json.writeEndObject();
    }

    /** Vectors as JSON float arrays, or with {@code base64} as base64 of little-endian float32. */
    static void embeddings(JsonGenerator json, String model, List<float[]> vectors, boolean base64, int promptTokens)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("object", "list");
        json.writeArrayFieldStart("data");
        for (int i = 0; i < vectors.size(); i++) {
            json.writeStartObject();
            json.writeStringField("object", "embedding");
            json.writeNumberField("index", i);
            json.writeFieldName("embedding");
            float[] vector = vectors.get(i);
            if (base64) {
                json.writeString(base64LittleEndian(vector));
            } else {
                json.writeStartArray(vector, vector.length);
                for (float value : vector) {
                    json.writeNumber(value);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeStringField("model", model);
        json.writeObjectFieldStart("usage");
        json.writeNumberField("prompt_tokens", promptTokens);
        json.writeNumberField("total_tokens", promptTokens);
        json.writeEndObject();
        json.writeEndObject();
    }

    static void models(JsonGenerator json, List<String> ids) throws IOException {
        json.writeStartObject();
        json.writeStringField("object", "list");
        json.writeArrayFieldStart("data");
        for (String id : ids) {
            json.writeStartObject();
            json.writeStringField("id", id);
            json.writeStringField("object", "model");
            json.writeNumberField("created", 0);
            json.writeStringField("owned_by", "brokle-mock");
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    static void error(JsonGenerator json, String message, String type, String param, String code) throws IOException {
        json.writeStartObject();
        json.writeObjectFieldStart("error");
        json.writeStringField("message", message);
        json.writeStringField("type", type);
        json.writeStringField("param", param);
        json.writeStringField("code", code);
        json.writeEndObject();
        json.writeEndObject();
    }

    static String base64LittleEndian(float[] vector) {
        ByteBuffer bytes = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(vector);
        return Base64.getEncoder().encodeToString(bytes.array());
    }
}
