package io.brokle.control.health;

import com.codahale.metrics.health.HealthCheck;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import redis.clients.jedis.Jedis;

/**
 * Whether the cache layer in use answers. Without Redis the caches are in this process
 * (Caffeine: login throttling, encoded snapshots): a probe entry is written and read back. With
 * Redis, a {@code PING} must come back as {@code PONG} within the timeout, on a connection of
 * its own so a stuck subscriber cannot make it pass.
 */
public abstract sealed class CacheHealthCheck extends HealthCheck {
    public static final String IN_PROCESS = "in-process";
    public static final String REDIS = "redis";

    /** {@value #IN_PROCESS} or {@value #REDIS}. */
    public abstract String layer();

    public static CacheHealthCheck inProcess() {
        return new InProcess();
    }

    /** @param timeout for connecting and for the answer */
    public static CacheHealthCheck redis(URI uri, Duration timeout) {
        return new Redis(uri, timeout);
    }

    private static final class InProcess extends CacheHealthCheck {
        private final Cache<String, String> probe = Caffeine.newBuilder().maximumSize(1).build();

        @Override
        public String layer() {
            return IN_PROCESS;
        }

        @Override
        protected Result check() {
            String value = UUID.randomUUID().toString();
            probe.put("probe", value);
            return value.equals(probe.getIfPresent("probe"))
                    ? Result.healthy("in-process caches (Caffeine) answer")
                    : Result.unhealthy("the in-process cache did not return what was written to it");
        }
    }

    private static final class Redis extends CacheHealthCheck {
        private final URI uri;
        private final int timeoutMillis;

        Redis(URI uri, Duration timeout) {
            this.uri = Objects.requireNonNull(uri, "uri");
            this.timeoutMillis = Math.toIntExact(timeout.toMillis());
        }

        @Override
        public String layer() {
            return REDIS;
        }

        @Override
        protected Result check() {
            // Host and port only: the URI may carry a password.
            String where = uri.getHost() + ":" + uri.getPort();
            long start = System.nanoTime();
            try (Jedis jedis = new Jedis(uri, timeoutMillis)) {
                String answer = jedis.ping();
                long took = (System.nanoTime() - start) / 1_000_000;
                return "PONG".equals(answer) ? Result.healthy("redis at %s answered PING in %d ms", where, took)
                        : Result.unhealthy("redis at %s answered PING with something else", where);
            } catch (RuntimeException e) {
                return Result.unhealthy("redis at %s did not answer PING within %d ms (%s)", where, timeoutMillis,
                        e.getClass().getSimpleName());
            }
        }
    }
}
