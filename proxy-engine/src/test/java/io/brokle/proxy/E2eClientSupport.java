package io.brokle.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Clients for the end-to-end tests of this package: request bodies, a {@link HttpClient} with
 * the virtual key, OpenAI error checks, a deadline-bounded poll, and {@link RawConnection}, an
 * HTTP/1.1 client on a plain socket for tests that need byte-level control (partial requests,
 * framing, watching a connection close).
 */
final class E2eClientSupport {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /** The longest a test waits for something that should happen at once. */
    static final Duration WAIT = Duration.ofSeconds(5);

    private E2eClientSupport() {
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    }

    static String streamedChat(String model) {
        return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    }

    static HttpClient http1() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** POSTs {@code body} as JSON; {@code key} may be null (no credential). */
    static HttpResponse<String> post(HttpClient client, String baseUrl, String path, String key, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path}; {@code key} may be null (no credential). */
    static HttpResponse<String> get(HttpClient client, String baseUrl, String path, String key)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    /**
     * The {@code error} object of an OpenAI error body, after checking it has the four fields
     * OpenAI clients read.
     */
    static JsonNode openAiError(String body) {
        JsonNode root = json(body);
        JsonNode error = root.get("error");
        assertNotNull(error, "an OpenAI error body: " + body);
        for (String field : List.of("message", "type", "param", "code")) {
            assertTrue(error.has(field), "error." + field + " present in " + body);
        }
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank(),
                "error.message is a non-empty string in " + body);
        return error;
    }

    /** Asserts {@code body} is an OpenAI error with {@code code} (a JSON null when {@code code} is null). */
    static JsonNode assertOpenAiError(String body, String code) {
        JsonNode error = openAiError(body);
        if (code == null) {
            assertTrue(error.get("code").isNull(), "error.code is null in " + body);
        } else {
            assertEquals(code, error.get("code").asText(), "error.code in " + body);
        }
        return error;
    }

    /** The ids in a {@code /v1/models} answer. */
    static List<String> modelIds(String body) {
        List<String> ids = new ArrayList<>();
        json(body).get("data").forEach(m -> ids.add(m.get("id").asText()));
        return ids;
    }

    /** The value of one series in Prometheus text, e.g. {@code brokle_config_version}; 0 when absent. */
    static double metric(String prometheusText, String series) {
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    /** Polls {@code condition} until it holds; fails after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    /** The data payloads of the server-sent events in {@code text}, in order. */
    static List<String> sseData(String text) {
        List<String> data = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6).trim());
            }
        }
        return data;
    }

    /** The text of a streamed chat completion's content deltas, joined. */
    static String streamedContent(String sseText) {
        StringBuilder content = new StringBuilder();
        for (String data : sseData(sseText)) {
            if (data.equals("[DONE]")) {
                continue;
            }
            JsonNode choices = json(data).path("choices");
            for (JsonNode choice : choices) {
                JsonNode text = choice.path("delta").path("content");
                if (text.isTextual()) {
                    content.append(text.asText());
                }
            }
        }
        return content.toString();
    }

    /** A response read by {@link RawConnection}; header names are lower case. */
    record RawResponse(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * An HTTP/1.1 client connection on a plain socket to 127.0.0.1. Reads are bounded by a socket
     * timeout (10 s unless set), so a test never hangs on a silent server.
     */
    static final class RawConnection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        private RawConnection(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        static RawConnection open(int port) throws IOException {
            Socket socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            return new RawConnection(socket);
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** A whole POST with {@code Content-Length}; {@code key} may be null. */
        void sendPost(String path, String key, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                    + "Content-Length: " + bytes.length + "\r\n\r\n");
            send(bytes);
        }

        void sendGet(String path, String key) throws IOException {
            send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n");
        }

        /** Reads a status line and headers. */
        RawResponse readHead() throws IOException {
            String statusLine = readLine();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
            return new RawResponse(status, headers, new byte[0]);
        }

        /** Reads a whole response, its body framed by chunks, {@code Content-Length} or the connection's end. */
        RawResponse readResponse() throws IOException {
            RawResponse head = readHead();
            byte[] body;
            String length = head.header("content-length");
            if (head.status() / 100 == 1 || head.status() == 204 || head.status() == 304) {
                body = new byte[0];
            } else if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (byte[] chunk = readChunk(); chunk != null; chunk = readChunk()) {
                    all.writeBytes(chunk);
                }
                body = all.toByteArray();
            } else if (length != null) {
                body = in.readNBytes(Integer.parseInt(length));
                if (body.length < Integer.parseInt(length)) {
                    throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
                }
            } else {
                body = in.readAllBytes();
            }
            return new RawResponse(head.status(), head.headers(), body);
        }

        /** The next chunk of a chunked body, or null after the last (zero-length) chunk and its trailer. */
        byte[] readChunk() throws IOException {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailer fields: none expected, skipped
                }
                return null;
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("connection closed inside a chunk");
            }
            readLine();
            return chunk;
        }

        /**
         * Waits for the server to close the connection, discarding anything it sends; true when it
         * closed (FIN or reset) within {@code timeout}.
         */
        boolean awaitClosed(Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
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
        }

        void setReadTimeout(Duration timeout) throws IOException {
            socket.setSoTimeout((int) timeout.toMillis());
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(64);
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed" + (line.size() > 0 ? " in the middle of a line" : ""));
                }
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
