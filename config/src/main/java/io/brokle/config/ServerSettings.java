package io.brokle.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the proxy listens. Read at start; a change needs a restart (a reload logs that it was ignored).
 *
 * @param host               address to bind
 * @param port               port to bind; 0 picks a free one
 * @param maxBodyBytes       largest request body; larger gets 413
 * @param maxHeaderBytes     largest request head (all header lines); larger gets 431
 * @param requestReadTimeout a request must arrive whole within this time from its first byte
 * @param idleTimeout        a keep-alive connection with no request in flight is closed after this
 * @param shutdownGrace      how long in-flight requests may finish after a stop signal
 * @param dataDir            where local state lives (dev key, key pepper)
 * @param maxInFlight        requests in flight beyond which new ones are shed with 503 and {@code Retry-After}
 */
public record ServerSettings(String host, int port, int maxBodyBytes, int maxHeaderBytes, Duration requestReadTimeout,
                             Duration idleTimeout, Duration shutdownGrace, Path dataDir, int maxInFlight) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 32 * 1024;
    public static final Duration DEFAULT_REQUEST_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    public static final Path DEFAULT_DATA_DIR = Path.of("data");
    public static final int DEFAULT_MAX_IN_FLIGHT = 20_000;
    public static final ServerSettings DEFAULTS = new ServerSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES,
            DEFAULT_MAX_HEADER_BYTES, DEFAULT_REQUEST_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_SHUTDOWN_GRACE,
            DEFAULT_DATA_DIR, DEFAULT_MAX_IN_FLIGHT);

    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDir, "dataDir");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: > 0)");
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes: " + maxHeaderBytes + " (expected: >= 1024)");
        }
        for (var d : new Duration[] {requestReadTimeout, idleTimeout, shutdownGrace}) {
            Objects.requireNonNull(d, "duration");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration: " + d + " (expected: > 0)");
            }
        }
    }

    /** Settings with the default {@code maxInFlight}. */
    public ServerSettings(String host, int port, int maxBodyBytes, int maxHeaderBytes, Duration requestReadTimeout,
                          Duration idleTimeout, Duration shutdownGrace, Path dataDir) {
        this(host, port, maxBodyBytes, maxHeaderBytes, requestReadTimeout, idleTimeout, shutdownGrace, dataDir,
                DEFAULT_MAX_IN_FLIGHT);
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, maxBodyBytes, maxHeaderBytes, requestReadTimeout, idleTimeout,
                shutdownGrace, dataDir, maxInFlight);
    }

    public ServerSettings withDataDir(Path newDataDir) {
        return new ServerSettings(host, port, maxBodyBytes, maxHeaderBytes, requestReadTimeout, idleTimeout,
                shutdownGrace, newDataDir, maxInFlight);
    }
}
