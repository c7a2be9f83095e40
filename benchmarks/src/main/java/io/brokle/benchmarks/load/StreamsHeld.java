package io.brokle.benchmarks.load;

import io.brokle.proxy.netty.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import java.io.File;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Memory per open stream: opens {@code --streams N} streamed chat completions, one per
 * connection, against a slowly streaming upstream, waits until every stream has delivered its
 * first event, and reports how much the watched processes' resident memory grew, in total and
 * per stream. With {@code --jcmd}, also the growth of the live heap of the JVMs named by
 * {@code --heap NAME} (after a full GC, before and after). Connections are opened at
 * {@code --connect-rate} per second so that the listen backlog is not overrun.
 *
 * <pre>
 *   java -cp brokle-benchmarks.jar io.brokle.benchmarks.load.StreamsHeld --url http://127.0.0.1:8080/v1/chat/completions \
 *       --model mock-slow --streams 10000 --measure gateway=1234 --measure mock=1240 --json streams.json
 * </pre>
 */
public final class StreamsHeld {
    private static final Set<String> FLAGS = Set.of("url", "streams", "model", "auth", "connect-rate", "settle", "hold",
            "timeout", "measure", "jcmd", "heap", "threads", "json", "label");

    public static void main(String[] args) throws Exception {
        Flags f;
        try {
            f = new Flags(args, FLAGS);
        } catch (IllegalArgumentException e) {
            System.err.println("StreamsHeld: " + e.getMessage());
            System.exit(2);
            return;
        }
        ChatRequest request = new ChatRequest(URI.create(f.required("url")), f.string("model", "mock-1"), true,
                f.string("auth", null));
        int streams = f.integer("streams", 1000);
        int connectRate = f.integer("connect-rate", 2000);
        Duration settle = f.duration("settle", Duration.ofSeconds(3));
        Duration hold = f.duration("hold", Duration.ofSeconds(2));
        Duration timeout = f.duration("timeout", Duration.ofSeconds(60));
        List<ProcessMemory.Watched> watched = new ArrayList<>();
        for (String spec : f.all("measure")) {
            watched.add(ProcessMemory.Watched.parse(spec));
        }
        String jcmd = f.string("jcmd", null);
        Set<String> heapOf = Set.copyOf(f.all("heap"));

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("tool", "StreamsHeld");
        result.put("label", f.string("label", null));
        result.put("url", "http://" + request.host + ":" + request.port);
        result.put("streams_asked", streams);

        Map<String, Long> rssBefore = new LinkedHashMap<>();
        Map<String, Long> heapBefore = new LinkedHashMap<>();
        for (ProcessMemory.Watched w : watched) {
            if (jcmd != null && heapOf.contains(w.name())) {
                heapBefore.put(w.name(), ProcessMemory.liveHeapKb(jcmd, w.pids().get(0)));
            }
        }
        for (ProcessMemory.Watched w : watched) {
            rssBefore.put(w.name(), ProcessMemory.rssKb(w.pids()));
        }

        Transport transport = Transport.detect();
        EventLoopGroup group = transport.newGroup(f.integer("threads", 1), "streams");
        AtomicInteger connected = new AtomicInteger();
        AtomicInteger firstChunks = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger endedEarly = new AtomicInteger();
        ConcurrentLinkedQueue<Channel> channels = new ConcurrentLinkedQueue<>();
        long started = System.nanoTime();
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.clientChannel())
                    .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
            long gapNanos = connectRate > 0 ? 1_000_000_000L / connectRate : 0;
            for (int i = 0; i < streams; i++) {
                long due = started + i * gapNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                ExchangeHandler handler = new ExchangeHandler(true);
                bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), handler);
                    }
                }).connect(request.host, request.port).addListener((ChannelFuture cf) -> {
                    if (!cf.isSuccess()) {
                        failures.incrementAndGet();
                        return;
                    }
                    connected.incrementAndGet();
                    channels.add(cf.channel());
                    handler.expect(new ExchangeHandler.Listener() {
                        @Override
                        public void firstChunk(long nanoTime) {
                            firstChunks.incrementAndGet();
                        }

                        @Override
                        public void completed(long nanoTime, boolean ok, int status) {
                            endedEarly.incrementAndGet();
                        }

                        @Override
                        public void failed(long nanoTime, Throwable cause) {
                            endedEarly.incrementAndGet();
                        }
                    });
                    cf.channel().writeAndFlush(request.newRequest());
                });
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (firstChunks.get() + failures.get() + endedEarly.get() < streams && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long openAfter = System.nanoTime() - started;
            Thread.sleep(settle.toMillis());
            Map<String, Object> processes = new LinkedHashMap<>();
            int open = firstChunks.get() - endedEarly.get();
            long holdUntil = System.nanoTime() + hold.toNanos();
            Map<String, Long> peak = new LinkedHashMap<>();
            do {
                for (ProcessMemory.Watched w : watched) {
                    peak.merge(w.name(), ProcessMemory.rssKb(w.pids()), Math::max);
                }
                Thread.sleep(200);
            } while (System.nanoTime() < holdUntil);
            for (ProcessMemory.Watched w : watched) {
                Map<String, Object> p = new LinkedHashMap<>();
                long before = rssBefore.get(w.name());
                long during = peak.get(w.name());
                p.put("pids", w.pids());
                p.put("rss_before_kb", before);
                p.put("rss_with_streams_kb", during);
                p.put("rss_delta_kb", during - before);
                p.put("rss_per_stream_bytes", open > 0 ? Math.round((during - before) * 1024.0 / open) : null);
                if (heapBefore.containsKey(w.name())) {
                    long hb = heapBefore.get(w.name());
                    long ha = ProcessMemory.liveHeapKb(jcmd, w.pids().get(0));
                    p.put("live_heap_before_kb", hb);
                    p.put("live_heap_with_streams_kb", ha);
                    p.put("live_heap_per_stream_bytes", open > 0 && hb >= 0 && ha >= 0
                            ? Math.round((ha - hb) * 1024.0 / open) : null);
                }
                processes.put(w.name(), p);
            }
            // Still open after the measurement: a stream that ended meanwhile would make the figures lie.
            int stillOpen = firstChunks.get() - endedEarly.get();
            result.put("connected", connected.get());
            result.put("streams_open", open);
            result.put("streams_open_after_measuring", stillOpen);
            result.put("connect_failures", failures.get());
            result.put("streams_ended_early", endedEarly.get());
            result.put("open_after_s", Math.round(openAfter / 1e7) / 100.0);
            result.put("processes", processes);
        } finally {
            for (Channel c : channels) {
                c.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        StringBuilder line = new StringBuilder(String.format("%d of %d streams open", (Integer) result.get("streams_open"),
                streams));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> ps = (Map<String, Map<String, Object>>) result.get("processes");
        ps.forEach((name, p) -> line.append(String.format("; %s RSS +%d KiB (%s B/stream)", name,
                (Long) p.get("rss_delta_kb"), p.get("rss_per_stream_bytes"))));
        System.out.println(line);
        String json = f.string("json", null);
        if (json != null) {
            OpenLoopLoad.write(result, new File(json));
        }
        System.exit(0);
    }
}
