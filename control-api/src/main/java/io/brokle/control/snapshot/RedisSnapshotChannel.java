package io.brokle.control.snapshot;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisPubSub;

/**
 * Snapshot news over Redis pub/sub: {@code PUBLISH <channel> "<environmentId>:<version>"} for
 * every change this node commits, and a subscriber thread that hands the other nodes' news to
 * the {@link SnapshotPublisher}. Proxies subscribe to the same channel to cut their wait. A
 * lost message costs at most one long-poll period: the version in the database stays the truth.
 */
public final class RedisSnapshotChannel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSnapshotChannel.class);
    public static final String DEFAULT_CHANNEL = "brokle:snapshots";

    private final URI uri;
    private final String channel;
    private final JedisPooled pool;
    private final Thread subscriber;
    private volatile JedisPubSub subscription;
    private volatile boolean closed;

    /** Connects (lazily) to {@code uri} and starts listening on {@code channel} for {@code publisher}. */
    public RedisSnapshotChannel(URI uri, String channel, SnapshotPublisher publisher) {
        this.uri = uri;
        this.channel = channel;
        this.pool = new JedisPooled(uri);
        this.subscriber = new Thread(() -> listen(publisher), "brokle-snapshot-redis");
        subscriber.setDaemon(true);
        subscriber.start();
    }

    public String channel() {
        return channel;
    }

    /** Sends the news; a Redis failure is logged and otherwise ignored (polls still see the change). */
    public void publish(UUID environmentId, long version) {
        try {
            pool.publish(channel, environmentId + ":" + version);
        } catch (RuntimeException e) {
            LOG.warn("cannot publish snapshot version {} of {} to Redis at {}:{}: {}", version, environmentId,
                    uri.getHost(), uri.getPort(), e.getMessage());
        }
    }

    private void listen(SnapshotPublisher publisher) {
        Duration backoff = Duration.ofMillis(100);
        while (!closed) {
            try (Jedis jedis = new Jedis(uri)) {
                JedisPubSub pubSub = new JedisPubSub() {
                    @Override
                    public void onMessage(String ch, String message) {
                        int colon = message.lastIndexOf(':');
                        try {
                            publisher.heard(UUID.fromString(message.substring(0, colon)),
                                    Long.parseLong(message.substring(colon + 1)));
                        } catch (RuntimeException e) {
                            LOG.debug("ignoring a malformed snapshot message on {}", ch);
                        }
                    }
                };
                subscription = pubSub;
                if (closed) {
                    return;
                }
                backoff = Duration.ofMillis(100);
                jedis.subscribe(pubSub, channel);
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("Redis subscription to {} lost ({}); retrying in {} ms", channel, e.getMessage(), backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5)
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** Whether the subscriber is listening (for tests that must not publish before it does). */
    public boolean subscribed() {
        JedisPubSub s = subscription;
        return s != null && s.isSubscribed();
    }

    @Override
    public void close() {
        closed = true;
        JedisPubSub s = subscription;
        if (s != null && s.isSubscribed()) {
            s.unsubscribe();
        }
        subscriber.interrupt();
        pool.close();
    }
}
