package io.brokle.proxy.sse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads token usage out of OpenAI-format answers without disturbing them: a whole JSON body, or
 * one streamed event at a time. Buffers are read through views; nothing is retained, released
 * or moved. A cheap byte search decides whether an event can hold usage at all, so ordinary
 * content chunks are never parsed.
 */
public final class UsageTap implements AnswerTap {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] USAGE_KEY = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    /** Where the {@code g} sits in {@link #USAGE_KEY}. */
    private static final int USAGE_G = 4;
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private Usage usage;

    /** The usage seen so far, or {@code null} when none was reported. */
    @Override
    public Usage usage() {
        return usage;
    }

    /**
     * Classifies one streamed event and records its usage, if it has any.
     *
     * @param event a whole event including its terminating blank line
     */
    @Override
    public SseEventKind inspectEvent(ByteBuf event) {
        int data = dataStart(event);
        if (data < 0) {
            return SseEventKind.DATA;
        }
        if (startsWith(event, data, DONE)) {
            return SseEventKind.DONE;
        }
        int key = indexOfUsageObject(event, data);
        if (key < 0) {
            return SseEventKind.DATA;
        }
        ParsedChunk chunk = parse(event.slice(data, event.writerIndex() - data));
        if (chunk == null) {
            return SseEventKind.DATA;
        }
        if (chunk.usage != null) {
            usage = chunk.usage;
        }
        return chunk.usage != null && chunk.emptyChoices ? SseEventKind.USAGE_ONLY : SseEventKind.DATA;
    }

    /**
     * Reads the top-level {@code usage} of a whole (non-streamed) JSON answer.
     *
     * @return false when the body is not a well-formed JSON object
     */
    @Override
    public boolean inspectBody(ByteBuf body) {
        ParsedChunk parsed = parse(body);
        if (parsed == null) {
            return false;
        }
        if (parsed.usage != null) {
            usage = parsed.usage;
        }
        return true;
    }

    private static int dataStart(ByteBuf event) {
        int i = event.readerIndex();
        int end = event.writerIndex();
        // Skip comment lines (":" keep-alives) and other fields until the data line.
        while (i < end) {
            if (end - i >= 5 && event.getByte(i) == 'd' && event.getByte(i + 1) == 'a' && event.getByte(i + 2) == 't'
                    && event.getByte(i + 3) == 'a' && event.getByte(i + 4) == ':') {
                i += 5;
                if (i < end && event.getByte(i) == ' ') {
                    i++;
                }
                return i;
            }
            int nl = event.indexOf(i, end, (byte) '\n');
            if (nl < 0) {
                return -1;
            }
            i = nl + 1;
        }
        return -1;
    }

    private static boolean startsWith(ByteBuf buf, int at, byte[] prefix) {
        if (buf.writerIndex() - at < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (buf.getByte(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Index of a {@code "usage"} key followed by an object, or -1. Quotes inside strings are
     * escaped, so a match is a key. The search jumps from one {@code g} to the one before it
     * ({@link ByteBuf#indexOf} compares eight bytes at a time) and compares the key around each:
     * most events hold few. It runs backwards from the end of the event, because the key is last
     * in OpenAI's chunks ({@code "usage":null} on every one when usage was asked for).
     */
    private static int indexOfUsageObject(ByteBuf buf, int from) {
        int end = buf.writerIndex();
        int lowestG = from + USAGE_G;
        int searchEnd = end;
        while (searchEnd > lowestG) {
            int g = buf.indexOf(searchEnd, lowestG, (byte) 'g');
            if (g < 0) {
                return -1;
            }
            int key = g - USAGE_G;
            if (startsWith(buf, key, USAGE_KEY)) {
                int j = key + USAGE_KEY.length;
                while (j < end && isSpace(buf.getByte(j))) {
                    j++;
                }
                if (j < end && buf.getByte(j) == ':') {
                    j++;
                    while (j < end && isSpace(buf.getByte(j))) {
                        j++;
                    }
                    if (j < end && buf.getByte(j) == '{') {
                        return key;
                    }
                }
            }
            searchEnd = g;
        }
        return -1;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private record ParsedChunk(Usage usage, boolean emptyChoices) {
    }

    private static ParsedChunk parse(ByteBuf json) {
        try (InputStream in = new ByteBufInputStream(json.duplicate()); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            Usage usage = null;
            boolean emptyChoices = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("usage") && v == JsonToken.START_OBJECT) {
                    usage = readUsage(p);
                } else if (name.equals("choices") && v == JsonToken.START_ARRAY) {
                    emptyChoices = p.nextToken() == JsonToken.END_ARRAY;
                    if (!emptyChoices) {
                        p.skipChildren();
                        skipRestOfArray(p);
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                // Truncated, or something after the object: not one well-formed JSON document.
                return null;
            }
            return new ParsedChunk(usage, emptyChoices);
        } catch (IOException e) {
            return null;
        }
    }

    private static void skipRestOfArray(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            p.skipChildren();
        }
    }

    private static Usage readUsage(JsonParser p) throws IOException {
        long prompt = 0;
        long completion = 0;
        long cached = 0;
        long reasoning = 0;
        long cacheWrite = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "prompt_tokens", "input_tokens" -> prompt = number(p, v, prompt);
                case "completion_tokens", "output_tokens" -> completion = number(p, v, completion);
                case "prompt_tokens_details", "input_tokens_details" -> {
                    if (v == JsonToken.START_OBJECT) {
                        long[] details = readPromptDetails(p, cached, cacheWrite);
                        cached = details[0];
                        cacheWrite = details[1];
                    } else {
                        p.skipChildren();
                    }
                }
                case "completion_tokens_details", "output_tokens_details" -> {
                    if (v == JsonToken.START_OBJECT) {
                        reasoning = readNested(p, "reasoning_tokens", reasoning);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return new Usage(prompt, completion, cached, reasoning, cacheWrite);
    }

    /** The value when it is a number; otherwise skips it (an object or array included). */
    private static long number(JsonParser p, JsonToken v, long fallback) throws IOException {
        if (v.isNumeric()) {
            return p.getLongValue();
        }
        p.skipChildren();
        return fallback;
    }

    /** {@code cached_tokens} and {@code cache_creation_tokens} (the latter from translated Anthropic usage). */
    private static long[] readPromptDetails(JsonParser p, long cached, long cacheWrite) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "cached_tokens" -> cached = number(p, v, cached);
                case "cache_creation_tokens" -> cacheWrite = number(p, v, cacheWrite);
                default -> p.skipChildren();
            }
        }
        return new long[] {cached, cacheWrite};
    }

    private static long skip(JsonParser p, long value) throws IOException {
        p.skipChildren();
        return value;
    }

    private static long readNested(JsonParser p, String field, long fallback) throws IOException {
        long value = fallback;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            value = name.equals(field) ? number(p, v, value) : skip(p, value);
        }
        return value;
    }
}
