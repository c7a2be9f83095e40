package io.brokle.proxy.http;

import io.brokle.config.GatewaySnapshot;
import io.brokle.config.VirtualKey;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import java.time.Clock;

/**
 * Turns a request into an {@link AuthenticatedRequest}: reads the virtual key from
 * {@code Authorization: Bearer}, {@code x-api-key} or {@code api-key}, hashes it with the
 * gateway's pepper and looks the hash up in the current snapshot, which the request then keeps.
 * A missing, unknown, expired or revoked key gets 401 in the client's format (OpenAI's, or
 * Anthropic's on {@code /v1/messages}: see {@link ClientDialect}); the key itself is
 * never echoed or logged. Releases the request when it refuses it.
 *
 * <p>A connection remembers the last key it presented and that key's hash, so a keep-alive
 * client that sends the same key on every request pays for the HMAC once per connection, not
 * once per request. The memory lives and dies with the connection and is only ever compared
 * with what the same connection sends next.
 */
@Sharable
public final class AuthHandler extends ChannelInboundHandlerAdapter {
    /** Longer values are not keys; they are refused without hashing. */
    public static final int MAX_KEY_LENGTH = 256;

    private static final AttributeKey<PresentedKey> LAST_PRESENTED = AttributeKey.valueOf("brokle.lastPresentedKey");

    private final GatewayState state;
    private final KeyHasher hasher;
    private final Clock clock;

    public AuthHandler(GatewayState state, KeyHasher hasher, Clock clock) {
        this.state = state;
        this.hasher = hasher;
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String secret = presentedKey(request.headers());
        GatewaySnapshot snapshot = state.snapshots().current();
        if (secret == null) {
            refuse(ctx, request, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' "
                    + "or in the 'x-api-key' header.", "missing_api_key");
            return;
        }
        VirtualKey key = secret.length() > MAX_KEY_LENGTH ? null : snapshot.keyByHash(hashOf(ctx, secret)).orElse(null);
        if (key == null) {
            refuse(ctx, request, "Incorrect API key provided.", "invalid_api_key");
        } else if (key.revoked()) {
            refuse(ctx, request, "This API key (id " + key.id() + ") has been revoked.", "revoked_api_key");
        } else if (key.expiresAt() != null && !key.usableAt(clock.instant())) {
            refuse(ctx, request, "This API key (id " + key.id() + ") has expired.", "expired_api_key");
        } else {
            ctx.fireChannelRead(new AuthenticatedRequest(request, key, snapshot));
        }
    }

    /** The secret's hash, from the connection's memory when it presented the same secret last time. */
    private String hashOf(ChannelHandlerContext ctx, String secret) {
        // HTTP/2 streams are child channels: the connection is their parent.
        var connection = ctx.channel().parent() != null ? ctx.channel().parent() : ctx.channel();
        var remembered = connection.attr(LAST_PRESENTED);
        PresentedKey last = remembered.get();
        if (last != null && last.secret().equals(secret)) {
            return last.hash();
        }
        String hash = hasher.hash(secret);
        remembered.set(new PresentedKey(secret, hash));
        return hash;
    }

    /** A connection's last presented secret and its hash; never printed. */
    private record PresentedKey(String secret, String hash) {
        @Override
        public String toString() {
            return "PresentedKey[(redacted)]";
        }
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, String message, String code) {
        ClientDialect dialect = ClientDialect.forUri(request.uri());
        request.release();
        Answers.send(ctx, state, dialect.error(ctx.alloc(), HttpResponseStatus.UNAUTHORIZED, message,
                "invalid_request_error", null, code), "none", "none", "auth", false);
    }

    static String presentedKey(HttpHeaders headers) {
        String auth = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (auth != null) {
            String trimmed = auth.trim();
            if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
                String key = trimmed.substring(7).trim();
                return key.isEmpty() ? null : key;
            }
        }
        for (String name : new String[] {"x-api-key", "api-key"}) {
            String v = headers.get(name);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
