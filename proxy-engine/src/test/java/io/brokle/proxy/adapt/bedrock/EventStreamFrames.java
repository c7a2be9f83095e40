package io.brokle.proxy.adapt.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes AWS event-stream messages as Bedrock sends them: prelude (total length, headers length,
 * prelude CRC32), string headers (name length byte, name, type 7, value length short, value),
 * payload, message CRC32. For the mock upstream and the tests.
 */
public final class EventStreamFrames {
    private EventStreamFrames() {
    }

    /** An {@code event} message of type {@code eventType} with a JSON payload. */
    public static byte[] event(String eventType, String json) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", eventType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "event");
        return message(headers, json);
    }

    /** An {@code exception} message, e.g. {@code throttlingException}, with {@code {"message":...}}. */
    public static byte[] exception(String exceptionType, String message) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":exception-type", exceptionType);
        headers.put(":content-type", "application/json");
        headers.put(":message-type", "exception");
        return message(headers, "{\"message\":\"" + message.replace("\"", "\\\"") + "\"}");
    }

    public static byte[] message(Map<String, String> headers, String payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        headers.forEach((name, value) -> {
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            h.write(n.length);
            h.writeBytes(n);
            h.write(7);
            h.write(v.length >> 8);
            h.write(v.length & 0xff);
            h.writeBytes(v);
        });
        byte[] headerBytes = h.toByteArray();
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        int total = 12 + headerBytes.length + body.length + 4;
        ByteBuffer out = ByteBuffer.allocate(total);
        out.putInt(total).putInt(headerBytes.length);
        out.putInt((int) crc(out.array(), 0, 8));
        out.put(headerBytes).put(body);
        out.putInt((int) crc(out.array(), 0, total - 4));
        return out.array();
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }
}
