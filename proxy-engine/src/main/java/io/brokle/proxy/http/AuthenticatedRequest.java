package io.brokle.proxy.http;

import io.brokle.config.GatewaySnapshot;
import io.brokle.config.VirtualKey;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCounted;

/**
 * A request whose virtual key checked out, with the snapshot it is served from for its whole
 * life. Reference counting delegates to the request, so whoever consumes this message releases
 * the request (and an unconsumed one is released by the pipeline's tail like any other).
 */
public final class AuthenticatedRequest implements ReferenceCounted {
    private final FullHttpRequest request;
    private final VirtualKey key;
    private final GatewaySnapshot snapshot;

    public AuthenticatedRequest(FullHttpRequest request, VirtualKey key, GatewaySnapshot snapshot) {
        this.request = request;
        this.key = key;
        this.snapshot = snapshot;
    }

    public FullHttpRequest request() {
        return request;
    }

    public VirtualKey key() {
        return key;
    }

    public GatewaySnapshot snapshot() {
        return snapshot;
    }

    @Override
    public int refCnt() {
        return request.refCnt();
    }

    @Override
    public AuthenticatedRequest retain() {
        request.retain();
        return this;
    }

    @Override
    public AuthenticatedRequest retain(int increment) {
        request.retain(increment);
        return this;
    }

    @Override
    public AuthenticatedRequest touch() {
        request.touch();
        return this;
    }

    @Override
    public AuthenticatedRequest touch(Object hint) {
        request.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return request.release();
    }

    @Override
    public boolean release(int decrement) {
        return request.release(decrement);
    }
}
