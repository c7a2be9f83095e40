package io.brokle.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.brokle.proxy.netty.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A load generator for chat completions over N keep-alive HTTP/1.1 connections, in one of two
 * modes:
 * <ul>
 *   <li><b>open loop</b> ({@code --rate R}): requests are due at a constant rate whatever the
 *       server does, spread over the connections (connection i sends every N/R seconds, offset by
 *       i/R), as wrk2 does. A request that cannot go out on time (its connection still waits for
 *       the previous answer) goes out as soon as it can, and its latency is measured from when it
 *       was due, not from when it was sent: coordinated omission corrected. The uncorrected
 *       service time is reported beside it.</li>
 *   <li><b>closed loop</b> ({@code --rate 0}): each connection sends its next request when the
 *       previous answer ended; with one connection this is "one request at a time".</li>
 * </ul>
 * Streamed requests ({@code --stream 1}) also record the time to the first body bytes (the first
 * SSE event). Percentiles come from HdrHistogram; errors (connect, status other than 200, a
 * stream not ending in {@code [DONE]}, timeouts) are counted. Requests due during the warm-up
 * are sent but not recorded. Prints one line and writes JSON with {@code --json FILE}.
 *
 * <pre>
 *   java -cp brokle-benchmarks.jar io.brokle.benchmarks.load.OpenLoopLoad --url http://127.0.0.1:8080/v1/chat/completions \
 *       --rate 5000 --connections 64 --duration 60s --warmup 5s --auth "Bearer brk-..." --model mock-1 --json out.json
 * </pre>
 */
public final class OpenLoopLoad {
    private static final Set<String> FLAGS = Set.of("url", "rate", "connections", "duration", "warmup", "stream", "auth",
            "model", "threads", "timeout", "json", "label");

    private final ChatRequest request;
    private final double rate;
    private final int connections;
    private final Duration duration;
    private final Duration warmup;
    private final Duration timeout;
    private final int threads;

    OpenLoopLoad(ChatRequest request, double rate, int connections, Duration duration, Duration warmup, Duration timeout,
                 int threads) {
        if (connections < 1) {
            throw new IllegalArgumentException("--connections: " + connections + " (expected: >= 1)");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("--rate: " + rate + " (expected: >= 0; 0 is closed loop)");
        }
        this.request = request;
        this.rate = rate;
        this.connections = connections;
        this.duration = duration;
        this.warmup = warmup;
        this.timeout = timeout;
        this.threads = threads;
    }

    public static void main(String[] args) throws Exception {
        Flags f;
        OpenLoopLoad load;
        try {
            f = new Flags(args, FLAGS);
            ChatRequest request = new ChatRequest(URI.create(f.required("url")), f.string("model", "mock-1"),
                    f.bool("stream", false), f.string("auth", null));
            load = new OpenLoopLoad(request, Double.parseDouble(f.string("rate", "0")), f.integer("connections", 1),
                    f.duration("duration", Duration.ofSeconds(10)), f.duration("warmup", Duration.ZERO),
                    f.duration("timeout", Duration.ofSeconds(10)), f.integer("threads", 1));
        } catch (IllegalArgumentException e) {
            System.err.println("OpenLoopLoad: " + e.getMessage());
            System.exit(2);
            return;
        }
        Map<String, Object> result = load.run();
        result.put("label", f.string("label", null));
        System.out.println(load.oneLine(result));
        String json = f.string("json", null);
        if (json != null) {
            write(result, new File(json));
        }
        System.exit(((Number) result.get("connections_failed")).intValue() > 0 ? 1 : 0);
    }

    static void write(Map<String, Object> result, File file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file, result);
    }

    @SuppressWarnings("unchecked")
    String oneLine(Map<String, Object> r) {
        Map<String, Object> lat = (Map<String, Object>) r.get("latency_us");
        StringBuilder b = new StringBuilder();
        b.append(String.format("%s: %.0f req/s achieved (%s), %d ok, %d errors", r.get("mode"),
                ((Number) r.get("achieved_rps")).doubleValue(),
                rate > 0 ? String.format("%.0f due", rate) : connections + " connections",
                ((Number) r.get("ok")).longValue(), ((Number) r.get("errors_total")).longValue()));
        if (lat.get("p50") != null) {
            b.append(String.format("; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms", ms(lat.get("p50")),
                    ms(lat.get("p99")), ms(lat.get("max"))));
        }
        Map<String, Object> first = (Map<String, Object>) r.get("first_chunk_us");
        if (first != null && first.get("p50") != null) {
            b.append(String.format("; first chunk p50 %.2f ms, p99 %.2f ms", ms(first.get("p50")), ms(first.get("p99"))));
        }
        return b.toString();
    }

    private static double ms(Object us) {
        return ((Number) us).doubleValue() / 1000.0;
    }

    Map<String, Object> run() throws InterruptedException {
        Transport transport = Transport.detect();
        EventLoopGroup group = transport.newGroup(threads, "load");
        List<Connection> conns = new ArrayList<>(connections);
        int connectFailures = 0;
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000);
            for (int i = 0; i < connections; i++) {
                Connection c = new Connection(i, bootstrap);
                if (!c.connectNow()) {
                    connectFailures++;
                }
                conns.add(c);
            }
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            for (Connection c : conns) {
                c.begin(start, measureFrom, end);
            }
            long deadline = end + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < deadline) {
                Thread.sleep(50);
                if (System.nanoTime() > end && conns.stream().allMatch(Connection::finished)) {
                    break;
                }
            }
            for (Connection c : conns) {
                c.channelClose();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        return result(conns, connectFailures);
    }

    private Map<String, Object> result(List<Connection> conns, int connectFailures) {
        Histogram latency = Latencies.newHistogram();
        Histogram service = Latencies.newHistogram();
        Histogram first = Latencies.newHistogram();
        long due = 0;
        long ok = 0;
        long statusErrors = 0;
        long ioErrors = 0;
        long timeouts = 0;
        long unfinished = 0;
        long lastCompletion = 0;
        long measureFrom = 0;
        for (Connection c : conns) {
            lastCompletion = Math.max(lastCompletion, c.lastInWindowCompletion);
            measureFrom = c.measureFrom;
            latency.add(c.latency);
            service.add(c.service);
            first.add(c.firstChunk);
            due += c.due;
            ok += c.ok;
            statusErrors += c.statusErrors;
            ioErrors += c.ioErrors;
            timeouts += c.timeouts;
            unfinished += c.inWindowInFlight() ? 1 : 0;
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tool", "OpenLoopLoad");
        r.put("mode", rate > 0 ? "open-loop" : "closed-loop");
        r.put("url", "http://" + request.host + ":" + request.port);
        r.put("stream", request.stream());
        r.put("rate", rate);
        r.put("connections", connections);
        r.put("threads", threads);
        r.put("duration_s", duration.toMillis() / 1000.0);
        r.put("warmup_s", warmup.toMillis() / 1000.0);
        r.put("timeout_s", timeout.toMillis() / 1000.0);
        r.put("requests_due", due);
        r.put("ok", ok);
        // Answers to the requests due in the window, over the time from the window's start to the
        // last of them: below the rate when the server fell behind.
        double span = Math.max(duration.toNanos(), lastCompletion - measureFrom) / 1e9;
        r.put("achieved_rps", (ok + statusErrors) / span);
        Map<String, Object> errors = new LinkedHashMap<>();
        errors.put("status", statusErrors);
        errors.put("io", ioErrors);
        errors.put("timeout", timeouts + unfinished);
        r.put("errors", errors);
        r.put("errors_total", statusErrors + ioErrors + timeouts + unfinished);
        r.put("connections_failed", connectFailures);
        r.put("latency_us", Latencies.summary(latency));
        r.put("service_time_us", Latencies.summary(service));
        if (request.stream()) {
            r.put("first_chunk_us", Latencies.summary(first));
        }
        r.put("latency_note", rate > 0 ? "from the time each request was due (coordinated omission corrected); "
                + "service_time_us is from when it was sent" : "from when each request was sent");
        return r;
    }

    /** One keep-alive connection and its share of the schedule; everything runs on its event loop. */
    private final class Connection implements ExchangeHandler.Listener {
        final int index;
        final Bootstrap bootstrap;
        ExchangeHandler handler;
        final Histogram latency = Latencies.newHistogram();
        final Histogram service = Latencies.newHistogram();
        final Histogram firstChunk = Latencies.newHistogram();
        Channel channel;
        long interval;
        long measureFrom;
        long end;
        long nextDue;
        long currentDue;
        long sentAt;
        boolean inFlight;
        volatile boolean done;
        ScheduledFuture<?> timer;
        long due;
        long ok;
        long statusErrors;
        long ioErrors;
        long timeouts;
        long lastInWindowCompletion;

        Connection(int index, Bootstrap bootstrap) {
            this.index = index;
            this.bootstrap = bootstrap;
        }

        /** A fresh handler for each new connection. */
        private ChannelInitializer<SocketChannel> initializer() {
            ExchangeHandler h = new ExchangeHandler(request.stream());
            handler = h;
            return new ChannelInitializer<>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), h);
                }
            };
        }

        boolean connectNow() throws InterruptedException {
            ChannelFuture f = bootstrap.clone().handler(initializer()).connect(request.host, request.port).await();
            channel = f.isSuccess() ? f.channel() : null;
            return channel != null;
        }

        void begin(long start, long measureFrom, long end) {
            this.measureFrom = measureFrom;
            this.end = end;
            if (rate > 0) {
                interval = (long) (connections * 1e9 / rate);
                nextDue = start + (long) (index * 1e9 / rate);
            } else {
                nextDue = start;
            }
            if (channel == null) {
                done = true;
                return;
            }
            channel.eventLoop().execute(this::sendWhenDue);
        }

        boolean finished() {
            return done;
        }

        boolean inWindowInFlight() {
            return inFlight && currentDue >= measureFrom && currentDue < end;
        }

        private void sendWhenDue() {
            long now = System.nanoTime();
            if (rate <= 0 && nextDue < now) {
                nextDue = now;
            }
            if (nextDue >= end) {
                done = true;
                return;
            }
            if (nextDue > now) {
                channel.eventLoop().schedule(this::send, nextDue - now, TimeUnit.NANOSECONDS);
            } else {
                send();
            }
        }

        private void send() {
            if (!channel.isActive()) {
                reconnect();
                return;
            }
            currentDue = rate > 0 ? nextDue : System.nanoTime();
            sentAt = System.nanoTime();
            inFlight = true;
            if (inWindow()) {
                due++;
            }
            handler.expect(this);
            long limit = timeout.toNanos();
            timer = channel.eventLoop().schedule(this::timedOut, limit, TimeUnit.NANOSECONDS);
            channel.writeAndFlush(request.newRequest());
        }

        private boolean inWindow() {
            return currentDue >= measureFrom && currentDue < end;
        }

        private void next() {
            inFlight = false;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            nextDue = rate > 0 ? nextDue + interval : System.nanoTime();
            sendWhenDue();
        }

        @Override
        public void firstChunk(long nanoTime) {
            if (inWindow()) {
                Latencies.recordNanos(firstChunk, nanoTime - currentDue);
            }
        }

        @Override
        public void completed(long nanoTime, boolean success, int status) {
            if (inWindow()) {
                lastInWindowCompletion = nanoTime;
                if (success) {
                    ok++;
                    Latencies.recordNanos(latency, nanoTime - currentDue);
                    Latencies.recordNanos(service, nanoTime - sentAt);
                } else {
                    statusErrors++;
                }
            }
            next();
        }

        @Override
        public void failed(long nanoTime, Throwable cause) {
            if (inWindow()) {
                ioErrors++;
            }
            inFlight = false;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (!done) {
                nextDue = rate > 0 ? nextDue + interval : System.nanoTime();
                channel.eventLoop().execute(this::reconnect);
            }
        }

        private void timedOut() {
            timer = null;
            if (!inFlight) {
                return;
            }
            if (inWindow()) {
                timeouts++;
            }
            inFlight = false;
            handler.expect(null);
            channel.close();
            nextDue = rate > 0 ? nextDue + interval : System.nanoTime();
            reconnect();
        }

        private void reconnect() {
            if (System.nanoTime() >= end || nextDue >= end) {
                done = true;
                return;
            }
            bootstrap.clone().handler(initializer()).connect(request.host, request.port).addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    channel = f.channel();
                    sendWhenDue();
                } else {
                    if (inWindow()) {
                        ioErrors++;
                    }
                    nextDue = rate > 0 ? nextDue + interval : System.nanoTime();
                    channel.eventLoop().schedule(this::reconnect, 100, TimeUnit.MILLISECONDS);
                }
            });
        }

        void channelClose() {
            Channel c = channel;
            if (c != null) {
                c.close();
            }
        }
    }
}
