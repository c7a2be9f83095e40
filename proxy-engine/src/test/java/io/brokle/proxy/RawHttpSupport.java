package io.brokle.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 client connection on a plain socket to 127.0.0.1, for what {@code java.net.http}
 * hides: the exact bytes written (pipelining, partial or malformed requests), framing, chunk
 * boundaries and arrival times of streamed events, hanging up in the middle of an answer, and
 * watching the server close the connection. Reads are bounded by a socket timeout, so a gateway
 * that never answers fails the test instead of hanging it. Not thread-safe, except that one
 * thread may write while another reads.
 */
final class RawHttpSupport implements AutoCloseable {
    /** The longest a single read may block. */
    static final int READ_TIMEOUT_MILLIS = 6_000;

    /** A response head. Header names are lower-cased. */
    record Head(int status, Map<String, List<String>> headers) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.getFirst();
        }

        boolean chunked() {
            String te = header("transfer-encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }
    }

    /** A whole response: its head and its body. */
    record Response(Head head, byte[] body) {
        int status() {
            return head.status();
        }

        Map<String, List<String>> headers() {
            return head.headers();
        }

        String header(String name) {
            return head.header(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * One server-sent event.
     *
     * @param data         the event's {@code data:} payload (lines joined by {@code \n})
     * @param arrivedNanos {@link System#nanoTime()} when its last byte was read
     * @param chunk        the number of the HTTP chunk that completed it (0-based)
     */
    record Event(String data, long arrivedNanos, int chunk) {
        boolean done() {
            return data.equals("[DONE]");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pendingEvents = new ByteArrayOutputStream();
    private int chunksRead;
    private boolean bodyEnded;

    /** The trailer fields of the last chunked body read whole, by lower-case name. */
    private final Map<String, String> trailers = new java.util.LinkedHashMap<>();

    /** A trailer field of the last chunked body read whole, or null. */
    String trailer(String name) {
        return trailers.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    private RawHttpSupport(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static RawHttpSupport connect(int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
            return new RawHttpSupport(socket);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new UncheckedIOException(e);
        }
    }

    /** A POST with a JSON body; {@code auth} is a whole header line without CRLF, or null. */
    static String post(String path, String auth, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + (auth == null ? "" : auth + "\r\n")
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n"
                + "\r\n"
                + body;
    }

    /** A GET; {@code auth} is a whole header line without CRLF, or null. */
    static String get(String path, String auth) {
        return "GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\n"
                + (auth == null ? "" : auth + "\r\n")
                + "\r\n";
    }

    static String bearer(String key) {
        return "Authorization: Bearer " + key;
    }

    void write(String raw) {
        write(raw.getBytes(StandardCharsets.UTF_8));
    }

    void write(byte[] raw) {
        try {
            out.write(raw);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Bounds every later read by {@code timeout} instead of {@link #READ_TIMEOUT_MILLIS}. */
    void setReadTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Head readHead() {
        try {
            String statusLine = readLine();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1 status line: " + statusLine);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            chunksRead = 0;
            bodyEnded = false;
            pendingEvents.reset();
            return new Head(Integer.parseInt(parts[1]), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a whole response: {@link #readHead()}, then {@link #readBody(Head)}. */
    Response readResponse() {
        Head head = readHead();
        return new Response(head, readBody(head));
    }

    /**
     * The whole body of the response whose head was just read, framed by chunks,
     * {@code Content-Length} or the connection's end; none for 1xx, 204 and 304.
     */
    byte[] readBody(Head head) {
        try {
            if (head.status() / 100 == 1 || head.status() == 204 || head.status() == 304) {
                return new byte[0];
            }
            if (head.chunked()) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                byte[] chunk;
                while ((chunk = readChunkOrThrow()) != null) {
                    body.write(chunk);
                }
                return body.toByteArray();
            }
            String length = head.header("content-length");
            if (length == null) {
                return in.readAllBytes();
            }
            byte[] body = in.readNBytes(Integer.parseInt(length));
            if (body.length < Integer.parseInt(length)) {
                throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String readBodyText(Head head) {
        return new String(readBody(head), StandardCharsets.UTF_8);
    }

    /** The next chunk of a chunked body, or null after the last (zero-length) chunk and its trailer. */
    byte[] readChunk() {
        try {
            return readChunkOrThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next event of a chunked event stream, or null once the body ended. */
    Event nextEvent() {
        try {
            while (true) {
                byte[] buffered = pendingEvents.toByteArray();
                int end = indexOf(buffered, new byte[] {'\n', '\n'});
                if (end >= 0) {
                    pendingEvents.reset();
                    pendingEvents.write(buffered, end + 2, buffered.length - end - 2);
                    return new Event(EndToEndSupport.sseEventData(new String(buffered, 0, end, StandardCharsets.UTF_8)),
                            System.nanoTime(), chunksRead - 1);
                }
                if (bodyEnded) {
                    if (buffered.length > 0) {
                        throw new IOException("the stream ended inside an event: "
                                + new String(buffered, StandardCharsets.UTF_8));
                    }
                    return null;
                }
                byte[] chunk = readChunkOrThrow();
                if (chunk != null) {
                    pendingEvents.write(chunk);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every remaining event of the stream, until its body ends. */
    List<Event> readEvents() {
        List<Event> events = new ArrayList<>();
        for (Event e = nextEvent(); e != null; e = nextEvent()) {
            events.add(e);
        }
        return events;
    }

    /**
     * Waits for the server to close the connection, discarding anything it sends; true when it
     * closed (FIN or reset) within {@code timeout}.
     */
    boolean awaitClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            int before = socket.getSoTimeout();
            try {
                while (true) {
                    long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
                    if (leftMillis <= 0) {
                        return false;
                    }
                    socket.setSoTimeout((int) leftMillis);
                    try {
                        if (in.read() < 0) {
                            return true;
                        }
                    } catch (SocketTimeoutException e) {
                        return false;
                    } catch (SocketException e) {
                        return true; // reset
                    }
                }
            } finally {
                if (!socket.isClosed()) {
                    socket.setSoTimeout(before);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    /** Hangs up with RST instead of FIN, as a killed client does. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing is all that matters
        }
        closeQuietly(socket);
    }

    private byte[] readChunkOrThrow() throws IOException {
        String sizeLine = readLine();
        int semicolon = sizeLine.indexOf(';');
        int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        if (size == 0) {
            // Trailers, then the blank line that ends the body.
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    trailers.put(line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                            line.substring(colon + 1).trim());
                }
            }
            bodyEnded = true;
            return null;
        }
        byte[] chunk = in.readNBytes(size);
        if (chunk.length < size) {
            throw new EOFException("connection closed inside a chunk");
        }
        if (!readLine().isEmpty()) {
            throw new IOException("a chunk does not end with CRLF");
        }
        chunksRead++;
        return chunk;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection closed; line so far: " + line.toString(StandardCharsets.UTF_8));
            }
            line.write(b);
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
