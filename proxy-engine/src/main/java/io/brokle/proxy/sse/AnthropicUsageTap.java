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
 * Reads token usage out of answers in Anthropic's Messages format, for clients of
 * {@code /v1/messages}: a whole message's {@code usage}, or a stream's events, where
 * {@code message_start} carries the input counts (cache reads and writes included) and
 * {@code message_delta} the output count (and, from newer API versions, the input counts again).
 * {@code message_stop} is the stream's normal end and {@code error} the provider's terminal
 * error. Only the event's name is looked at for every other event (the text deltas that make up
 * most of a stream); the two usage events are parsed.
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
        String name = field(event, "event:");
        if (name == null) {
            return SseEventKind.DATA;
        }
        switch (name) {
            case "message_stop" -> {
                return SseEventKind.DONE;
            }
            case "error" -> {
                return SseEventKind.ERROR;
            }
            case "message_start", "message_delta" -> {
                String data = field(event, "data:");
                if (data != null) {
                    readEvent(data.getBytes(StandardCharsets.UTF_8));
                }
                return SseEventKind.DATA;
            }
            default -> {
                return SseEventKind.DATA;
            }
        }
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
    private void readEvent(byte[] data) {
        try (JsonParser p = JSON.createParser(data)) {
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

    /** The value of the first line starting with {@code prefix} (one optional space removed), or null. */
    private static String field(ByteBuf event, String prefix) {
        int i = event.readerIndex();
        int end = event.writerIndex();
        int n = prefix.length();
        while (i < end) {
            int nl = event.indexOf(i, end, (byte) '\n');
            int lineEnd = nl < 0 ? end : nl;
            if (lineEnd - i >= n && matches(event, i, prefix)) {
                int from = i + n;
                if (from < lineEnd && event.getByte(from) == ' ') {
                    from++;
                }
                int to = lineEnd > from && event.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
                return event.toString(from, to - from, StandardCharsets.UTF_8);
            }
            if (nl < 0) {
                return null;
            }
            i = nl + 1;
        }
        return null;
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
