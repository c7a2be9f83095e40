package io.brokle.proxy.adapt.bedrock;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One message of an AWS event stream, decoded: its string headers ({@code :message-type},
 * {@code :event-type}, {@code :exception-type}, {@code :content-type}) and its payload as text
 * (Bedrock's payloads are JSON). Headers of other value types are skipped.
 *
 * @param headers the string-valued headers
 * @param payload the payload, UTF-8
 */
public record EventStreamMessage(Map<String, String> headers, String payload) {
    private static final int TYPE_BOOL_TRUE = 0;
    private static final int TYPE_BOOL_FALSE = 1;
    private static final int TYPE_BYTE = 2;
    private static final int TYPE_SHORT = 3;
    private static final int TYPE_INT = 4;
    private static final int TYPE_LONG = 5;
    private static final int TYPE_BYTES = 6;
    private static final int TYPE_STRING = 7;
    private static final int TYPE_TIMESTAMP = 8;
    private static final int TYPE_UUID = 9;

    /** {@code :message-type}: {@code event}, {@code exception} or {@code error}; null when absent. */
    public String messageType() {
        return headers.get(":message-type");
    }

    /** {@code :event-type}, e.g. {@code contentBlockDelta}; null when absent. */
    public String eventType() {
        return headers.get(":event-type");
    }

    /** {@code :exception-type}, e.g. {@code throttlingException}; null when absent. */
    public String exceptionType() {
        return headers.get(":exception-type");
    }

    /**
     * Decodes a whole message as {@link EventStreamSplitter} hands it on (checksums already checked).
     *
     * @param frame read by index; neither moved, retained nor released
     * @throws IllegalArgumentException when the headers run past their declared length
     */
    public static EventStreamMessage decode(ByteBuf frame) {
        int start = frame.readerIndex();
        int total = (int) frame.getUnsignedInt(start);
        int headersEnd = start + EventStreamSplitter.PRELUDE_BYTES + (int) frame.getUnsignedInt(start + 4);
        Map<String, String> headers = new HashMap<>(8);
        int at = start + EventStreamSplitter.PRELUDE_BYTES;
        try {
            while (at < headersEnd) {
                int nameLength = frame.getUnsignedByte(at);
                String name = frame.toString(at + 1, nameLength, StandardCharsets.UTF_8);
                at += 1 + nameLength;
                int type = frame.getUnsignedByte(at++);
                switch (type) {
                    case TYPE_BOOL_TRUE, TYPE_BOOL_FALSE -> { }
                    case TYPE_BYTE -> at += 1;
                    case TYPE_SHORT -> at += 2;
                    case TYPE_INT -> at += 4;
                    case TYPE_LONG, TYPE_TIMESTAMP -> at += 8;
                    case TYPE_UUID -> at += 16;
                    case TYPE_BYTES, TYPE_STRING -> {
                        int length = frame.getUnsignedShort(at);
                        if (type == TYPE_STRING) {
                            headers.put(name, frame.toString(at + 2, length, StandardCharsets.UTF_8));
                        }
                        at += 2 + length;
                    }
                    default -> throw new IllegalArgumentException("unknown header value type " + type);
                }
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("event stream headers run past the message", e);
        }
        if (at != headersEnd) {
            throw new IllegalArgumentException("event stream headers run past their declared length");
        }
        String payload = frame.toString(headersEnd, start + total - 4 - headersEnd, StandardCharsets.UTF_8);
        return new EventStreamMessage(Map.copyOf(headers), payload);
    }
}
