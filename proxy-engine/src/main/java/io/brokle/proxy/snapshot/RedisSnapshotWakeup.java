package io.brokle.proxy.snapshot;

import java.net.URI;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * Listens to the control plane's snapshot notifications on Redis
 * ({@code SUBSCRIBE <channel>}, messages {@code "<environmentId>:<version>"}) and wakes the
 * {@link ControlPlaneSnapshotSource} when its environment has a version newer than the one it
 * serves. Only a shortcut: the long poll alone delivers every change. Reconnects with a backoff
 * when Redis goes away; runs on its own thread.
 */
public final class RedisSnapshotWakeup implements AutoCloseable {
    public static final String URL_VARIABLE = "BROKLE_REDIS_URL";
    public static final String CHANNEL_VARIABLE = "BROKLE_REDIS_CHANNEL";
    public static final String DEFAULT_CHANNEL = "brokle:snapshots";
    private static final Logger LOG = LoggerFactory.getLogger(RedisSnapshotWakeup.class);

    private final URI uri;
    private final String channel;
    private final String environmentId;
    private final Thread thread;
    private volatile JedisPubSub subscription;
    private volatile boolean closed;

    /** @param newer called with a newer version of {@code environmentId}; {@code source::wakeIfNewer}-like */
    public RedisSnapshotWakeup(URI uri, String channel, String environmentId, LongConsumer newer) {
        this.uri = uri;
        this.channel = channel;
        this.environmentId = environmentId;
        this.thread = new Thread(() -> listen(newer), "brokle-snapshot-redis");
        thread.setDaemon(true);
        thread.start();
    }

    /** Wakes {@code source} for every newer version of its environment. */
    public static RedisSnapshotWakeup forSource(URI uri, String channel, String environmentId,
                                                ControlPlaneSnapshotSource source) {
        return new RedisSnapshotWakeup(uri, channel, environmentId, v -> {
            if (v > source.controlVersion()) {
                source.wake();
            }
        });
    }

    public boolean subscribed() {
        JedisPubSub s = subscription;
        return s != null && s.isSubscribed();
    }

    private void listen(LongConsumer newer) {
        long backoffMillis = 100;
        String prefix = environmentId + ":";
        while (!closed) {
            try (Jedis jedis = new Jedis(uri)) {
                JedisPubSub pubSub = new JedisPubSub() {
                    @Override
                    public void onMessage(String ch, String message) {
                        if (message.startsWith(prefix)) {
                            try {
                                newer.accept(Long.parseLong(message.substring(prefix.length())));
                            } catch (NumberFormatException e) {
                                LOG.debug("ignoring a malformed snapshot message on {}", ch);
                            }
                        }
                    }
                };
                subscription = pubSub;
                if (closed) {
                    return;
                }
                backoffMillis = 100;
                jedis.subscribe(pubSub, channel);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("Redis subscription to {} lost ({}); retrying in {} ms", channel, e.getMessage(), backoffMillis);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoffMillis = Math.min(5000, backoffMillis * 2);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        JedisPubSub s = subscription;
        if (s != null && s.isSubscribed()) {
            s.unsubscribe();
        }
        thread.interrupt();
    }
}
