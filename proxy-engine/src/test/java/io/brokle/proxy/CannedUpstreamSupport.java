package io.brokle.proxy;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream that answers every request with the same raw bytes and then closes the
 * connection: for answers {@code ScriptedUpstream} has no behaviour for, such as an error
 * status with an HTML page. Also finds a port nobody listens on. One accept thread; close
 * stops it.
 */
final class CannedUpstreamSupport implements AutoCloseable {
    private final ServerSocket server;
    private final byte[] response;
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread acceptor;

    private CannedUpstreamSupport(byte[] response) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.response = response;
        this.acceptor = Thread.ofPlatform().daemon().name("canned-upstream").start(this::serve);
    }

    /** Answers every request with {@code status}, {@code contentType} and {@code body}, then closes. */
    static CannedUpstreamSupport answering(int status, String reason, String contentType, String body) {
        return answering(status, reason, contentType, "", body);
    }

    /**
     * Like {@link #answering(int, String, String, String)} with {@code extraHeaders}: whole header
     * lines, each ending in CRLF.
     */
    static CannedUpstreamSupport answering(int status, String reason, String contentType, String extraHeaders,
                                           String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + extraHeaders
                + "Content-Length: " + bytes.length + "\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        byte[] head1 = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head1.length + bytes.length];
        System.arraycopy(head1, 0, all, 0, head1.length);
        System.arraycopy(bytes, 0, all, head1.length, bytes.length);
        try {
            return new CannedUpstreamSupport(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Answers every request with {@code status} and {@code body} delimited by closing the
     * connection (no {@code Content-Length}, no chunked encoding), as HTTP/1.0-style servers do:
     * for such an answer the close is the only end the client can see.
     */
    static CannedUpstreamSupport closeDelimited(int status, String reason, String contentType, String body) {
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Connection: close\r\n"
                + "\r\n";
        try {
            return new CannedUpstreamSupport((head + body).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A loopback port that was free a moment ago and has no listener: connecting to it is refused. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    int requests() {
        return requests.get();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(5_000);
                readRequest(new BufferedInputStream(socket.getInputStream()));
                requests.incrementAndGet();
                socket.getOutputStream().write(response);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // closed by close(), or a client that went away: serve the next one
            }
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        int contentLength = 0;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Integer.parseInt(lower.substring("content-length:".length()).trim());
            }
        }
        in.readNBytes(contentLength);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(2_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
