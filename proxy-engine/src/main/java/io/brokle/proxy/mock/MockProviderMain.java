package io.brokle.proxy.mock;

import io.brokle.config.MockOptions;
import io.brokle.proxy.netty.Transport;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a {@link MockProviderServer} on its own for load tests ({@code scripts/bench}):
 * <pre>
 *   java -cp ... io.brokle.proxy.mock.MockProviderMain --host 127.0.0.1 --port 9101 \
 *       --latency 0ms --chunk-delay 0ms --chunks 8 --chunk-chars 16 --embedding-dimensions 64 --threads 2
 * </pre>
 * Every flag is optional (defaults: the values above, {@link MockOptions#DEFAULTS}, and
 * {@code --threads 0} for Netty's default of twice the cores). Durations are a number with
 * {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m} or {@code h}, or ISO-8601
 * ({@code PT1S}). Prints {@code mock provider listening on http://HOST:PORT/v1} once bound and
 * runs until the process is stopped; a shutdown hook closes the server and its event loops.
 */
public final class MockProviderMain {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ns|us|ms|s|m|h)");
    private static final String USAGE = "usage: MockProviderMain [--host 127.0.0.1] [--port 9101] [--latency 0ms]"
            + " [--chunk-delay 0ms] [--chunks 8] [--chunk-chars 16] [--embedding-dimensions 64] [--threads 0]";

    private MockProviderMain() {
    }

    /** The parsed command line. */
    record Settings(String host, int port, int threads, MockOptions options) {
    }

    public static void main(String[] args) throws InterruptedException {
        Settings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Transport transport = Transport.detect();
        EventLoopGroup group = transport.newGroup(settings.threads(), "mock-provider");
        MockProviderServer server;
        try {
            server = MockProviderServer.start(settings.options(), group, transport, settings.host(), settings.port());
        } catch (IllegalStateException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            System.err.println(e.getMessage() + ": " + e.getCause());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            stopped.countDown();
        }, "mock-provider-shutdown"));
        System.out.println("mock provider listening on " + server.baseUrl());
        System.out.flush();
        // Event loop threads are daemons: without this wait the JVM would exit here.
        stopped.await();
    }

    static Settings parse(String[] args) {
        String host = "127.0.0.1";
        int port = 9101;
        int threads = 0;
        MockOptions d = MockOptions.DEFAULTS;
        Duration latency = d.latency();
        Duration chunkDelay = d.chunkDelay();
        int chunks = d.chunks();
        int chunkChars = d.chunkChars();
        int dimensions = d.embeddingDimensions();
        for (int i = 0; i < args.length; i += 2) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + ": missing value");
            }
            String value = args[i + 1];
            switch (flag) {
                case "--host" -> host = value;
                case "--port" -> port = parseInt(flag, value);
                case "--threads" -> threads = parseInt(flag, value);
                case "--latency" -> latency = parseDuration(value);
                case "--chunk-delay" -> chunkDelay = parseDuration(value);
                case "--chunks" -> chunks = parseInt(flag, value);
                case "--chunk-chars" -> chunkChars = parseInt(flag, value);
                case "--embedding-dimensions" -> dimensions = parseInt(flag, value);
                default -> throw new IllegalArgumentException("unknown flag: " + flag);
            }
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port: " + port + " (expected: 0..65535)");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads: " + threads + " (expected: >= 0)");
        }
        return new Settings(host, port, threads, new MockOptions(latency, chunkDelay, chunks, chunkChars, dimensions));
    }

    /** {@code 20ms}, {@code 1s}, {@code 0}... or ISO-8601 such as {@code PT0.5S}. */
    static Duration parseDuration(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ns" -> Duration.ofNanos(amount);
                case "us" -> Duration.ofNanos(amount * 1_000);
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("duration: " + text + " (expected: e.g. 0ms, 20ms, 1s or PT1S)");
        }
    }

    private static int parseInt(String flag, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": " + value + " (expected: an integer)");
        }
    }
}
