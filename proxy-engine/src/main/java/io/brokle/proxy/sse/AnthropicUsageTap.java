package io.brokle.proxy.sse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads token usage out of answers in Anthropic's Messages format, for clients of
 * {@code /v1/messages}: a whole message's {@code usage}, or a stream's events, where
 * {@code message_start} carries the input counts (cache reads and writes included) and
 * {@code message_delta} the output count (and, from newer API versions, the input counts again).
 * {@code message_stop} is the stream's normal end and {@code error} the provider's terminal
 * error. Only the event's name is looked at, in place, for every other event (the text deltas
 * that make up most of a stream); the two usage events are parsed. Buffers are read by index:
 * nothing is copied, retained, released or moved.
 *
 * <p>Anthropic's three input counts are disjoint; the {@link Usage} reported adds them up, as
 * OpenAI's {@code prompt_tokens} does: prompt = input + cache reads + cache writes.
 */
public final class AnthropicUsageTap implements AnswerTap {
    private static final JsonFactory JSON = new JsonFactory();

    private long input = -1;
    private long output;
    private long cacheRead;
    private long cacheWrite;

    @Override
    public Usage usage() {
        return input < 0 ? null : new Usage(input + cacheRead + cacheWrite, output, cacheRead, 0, cacheWrite);
    }

    @Override
    public SseEventKind inspectEvent(ByteBuf event) {
        int name = valueStart(event, "event:");
        if (name < 0) {
            return SseEventKind.DATA;
        }
        if (isName(event, name, "message_stop")) {
            return SseEventKind.DONE;
        }
        if (isName(event, name, "error")) {
            return SseEventKind.ERROR;
        }
        if (isName(event, name, "message_start") || isName(event, name, "message_delta")) {
            int data = valueStart(event, "data:");
            if (data >= 0) {
                readEvent(event.slice(data, lineEnd(event, data) - data));
            }
        }
        return SseEventKind.DATA;
    }

    @Override
    public boolean inspectBody(ByteBuf body) {
        try (InputStream in = new ByteBufInputStream(body.duplicate()); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            readObject(p, false);
            return p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** One {@code message_start} ({@code message.usage}) or {@code message_delta} ({@code usage}) event's data. */
    private void readEvent(ByteBuf data) {
        try (InputStream in = new ByteBufInputStream(data); JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                readObject(p, true);
            }
        } catch (IOException e) {
            // Not JSON: the event is relayed as it is and counts nothing.
        }
    }

    /** Reads a message (or event) object's fields up to its end, taking its {@code usage}. */
    private void readObject(JsonParser p, boolean descendIntoMessage) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals("usage") && v == JsonToken.START_OBJECT) {
                readUsage(p);
            } else if (descendIntoMessage && name.equals("message") && v == JsonToken.START_OBJECT) {
                readObject(p, false);
            } else {
                p.skipChildren();
            }
        }
    }

    /** Replaces each count the usage object carries; a stream's later events repeat cumulative counts. */
    private void readUsage(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (!v.isNumeric()) {
                p.skipChildren();
                continue;
            }
            long n = p.getLongValue();
            switch (name) {
                case "input_tokens" -> input = n;
                case "output_tokens" -> output = n;
                case "cache_read_input_tokens" -> cacheRead = n;
                case "cache_creation_input_tokens" -> cacheWrite = n;
                default -> {
                }
            }
        }
        if (input < 0) {
            input = 0;
        }
    }

    /**
     * Where the value of the first line starting with {@code field} begins (after one optional
     * space), or -1 when no line does. Reads by index only.
     */
    private static int valueStart(ByteBuf event, String field) {
        int i = event.readerIndex();
        int end = event.writerIndex();
        while (i < end) {
            if (end - i >= field.length() && matches(event, i, field)) {
                int from = i + field.length();
                return from < end && event.getByte(from) == ' ' ? from + 1 : from;
            }
            int nl = event.indexOf(i, end, (byte) '\n');
            if (nl < 0) {
                return -1;
            }
            i = nl + 1;
        }
        return -1;
    }

    /** The end of the line starting at {@code from}, before its {@code \r\n} or {@code \n}. */
    private static int lineEnd(ByteBuf event, int from) {
        int nl = event.indexOf(from, event.writerIndex(), (byte) '\n');
        int end = nl < 0 ? event.writerIndex() : nl;
        return end > from && event.getByte(end - 1) == '\r' ? end - 1 : end;
    }

    /** Whether the value at {@code at} is exactly {@code name} (then spaces and the line's end). */
    private static boolean isName(ByteBuf event, int at, String name) {
        int end = lineEnd(event, at);
        while (end > at && event.getByte(end - 1) == ' ') {
            end--;
        }
        return end - at == name.length() && matches(event, at, name);
    }

    private static boolean matches(ByteBuf buf, int at, String ascii) {
        for (int k = 0; k < ascii.length(); k++) {
            if (buf.getByte(at + k) != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
