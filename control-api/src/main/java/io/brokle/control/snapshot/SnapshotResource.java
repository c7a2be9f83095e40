package io.brokle.control.snapshot;

import io.brokle.config.GatewaySnapshot;
import io.brokle.config.SnapshotJson;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.CompletionCallback;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxies' internal endpoint:
 * {@code GET /internal/v1/snapshots/{environmentId}?after={version}&waitSeconds={n}} with
 * {@code Authorization: Bearer <node token>}.
 *
 * <ul>
 *   <li>200: the environment's snapshot in {@link SnapshotJson} form, as soon as its version is
 *       newer than {@code after} (at once when it already is; {@code after} defaults to -1, so a
 *       proxy without a snapshot gets one). The version is also in {@value #VERSION_HEADER}.</li>
 *   <li>204: nothing newer within {@code waitSeconds} (0 to {@value #MAX_WAIT_SECONDS}, default 0);
 *       {@value #VERSION_HEADER} says the current version.</li>
 *   <li>400 bad parameter, 401 wrong or missing token, 404 unknown environment, 503 the
 *       snapshot cannot be built now (the proxy keeps what it has).</li>
 * </ul>
 *
 * Waiting requests are suspended ({@link AsyncResponse}): no thread is held while a proxy waits.
 * A change wakes them through the {@link SnapshotPublisher}; each environment's encoded
 * snapshot is built once per version and shared by every proxy that asks.
 */
@Path("/internal/v1/snapshots")
public final class SnapshotResource {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotResource.class);
    public static final String VERSION_HEADER = "Brokle-Snapshot-Version";
    public static final int MAX_WAIT_SECONDS = 60;

    private record Encoded(long version, byte[] json) {
    }

    private final Jdbi jdbi;
    private final SnapshotBuilder builder;
    private final SnapshotPublisher publisher;
    private final byte[] tokenDigest;
    private final Executor executor;
    private final Map<UUID, Encoded> cache = new ConcurrentHashMap<>();
    private final java.util.Set<AsyncResponse> waiting = ConcurrentHashMap.newKeySet();

    /**
     * @param nodeToken the secret every proxy presents; compared in constant time, never logged
     * @param executor  builds the snapshots that waiting requests are resumed with
     */
    public SnapshotResource(Jdbi jdbi, SnapshotBuilder builder, SnapshotPublisher publisher, String nodeToken,
                            Executor executor) {
        this.jdbi = jdbi;
        this.builder = builder;
        this.publisher = publisher;
        this.tokenDigest = sha256(nodeToken);
        this.executor = executor;
    }

    @GET
    @Path("{environmentId}")
    public void get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                    @PathParam("environmentId") String environmentId, @QueryParam("after") String afterParam,
                    @QueryParam("waitSeconds") String waitParam, @Suspended AsyncResponse response) {
        if (!authorized(authorization)) {
            response.resume(error(Response.Status.UNAUTHORIZED, "missing or wrong node token (Authorization: Bearer <token>)"));
            return;
        }
        UUID env;
        long after;
        int wait;
        try {
            env = UUID.fromString(environmentId);
        } catch (IllegalArgumentException e) {
            response.resume(error(Response.Status.NOT_FOUND, "environment " + environmentId + ": not found"));
            return;
        }
        try {
            after = afterParam == null || afterParam.isBlank() ? -1 : Long.parseLong(afterParam);
            wait = waitParam == null || waitParam.isBlank() ? 0 : Integer.parseInt(waitParam);
        } catch (NumberFormatException e) {
            response.resume(error(Response.Status.BAD_REQUEST, "after and waitSeconds must be integers"));
            return;
        }
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            response.resume(error(Response.Status.BAD_REQUEST,
                    "waitSeconds: " + wait + " (expected: 0.." + MAX_WAIT_SECONDS + ")"));
            return;
        }
        long current;
        try {
            current = jdbi.withHandle(h -> {
                if (SnapshotBuilder.tenant(h, env).isEmpty()) {
                    throw new NoSuchElementException();
                }
                return SnapshotBuilder.version(h, env);
            });
        } catch (NoSuchElementException e) {
            response.resume(error(Response.Status.NOT_FOUND, "environment " + env + ": not found"));
            return;
        }
        publisher.heard(env, current);
        if (current > after) {
            response.resume(snapshot(env));
            return;
        }
        if (wait == 0) {
            response.resume(noChange(current));
            return;
        }
        CompletableFuture<Long> newer = publisher.awaitNewer(env, after);
        response.setTimeout(wait, TimeUnit.SECONDS);
        response.setTimeoutHandler(r -> {
            newer.cancel(false);
            r.resume(noChange(current));
        });
        // A proxy that goes away stops waiting too.
        response.register((CompletionCallback) failure -> {
            newer.cancel(false);
            waiting.remove(response);
        });
        waiting.add(response);
        newer.thenAcceptAsync(version -> response.resume(snapshot(env)), executor);
    }

    /**
     * Answers every waiting request with 503 (the control plane is stopping), so proxies move to
     * their retry instead of reading a cut answer. Call when the server begins to stop.
     */
    public void stopWaiting() {
        for (AsyncResponse r : waiting) {
            r.resume(error(Response.Status.SERVICE_UNAVAILABLE, "the control plane is stopping"));
        }
        waiting.clear();
    }

    private Response snapshot(UUID env) {
        try {
            Encoded encoded = jdbi.withHandle(h -> {
                long version = SnapshotBuilder.version(h, env);
                Encoded cached = cache.get(env);
                if (cached != null && cached.version() == version) {
                    return cached;
                }
                GatewaySnapshot snapshot = builder.build(h, env);
                Encoded fresh = new Encoded(snapshot.version(), SnapshotJson.encode(snapshot));
                cache.merge(env, fresh, (a, b) -> a.version() >= b.version() ? a : b);
                return fresh;
            });
            return Response.ok(encoded.json(), MediaType.APPLICATION_JSON_TYPE)
                    .header(VERSION_HEADER, encoded.version()).build();
        } catch (NoSuchElementException e) {
            return error(Response.Status.NOT_FOUND, "environment " + env + ": not found");
        } catch (RuntimeException e) {
            // ConfigException and CredentialException messages hold paths and key ids, no secrets.
            LOG.error("cannot build the snapshot of environment {}: {}", env, e.getMessage());
            return error(Response.Status.SERVICE_UNAVAILABLE, "the snapshot of environment " + env + " cannot be built now");
        }
    }

    private static Response noChange(long version) {
        return Response.noContent().header(VERSION_HEADER, version).build();
    }

    private static Response error(Response.Status status, String message) {
        Response.ResponseBuilder b = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", message));
        if (status == Response.Status.UNAUTHORIZED) {
            b.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"brokle-internal\"");
        }
        return b.build();
    }

    private boolean authorized(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Digests have one length, so the comparison takes the same time whatever was sent.
        return MessageDigest.isEqual(tokenDigest, sha256(authorization.substring(7).trim()));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
