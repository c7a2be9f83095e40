package io.brokle.proxy.netty;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes HTTP/1.1 connections that hold a slot without using it: a request that does not
 * arrive whole within the read timeout from its first byte (slowloris headers, a trickled
 * body), and a keep-alive connection idle longer than the idle timeout. While a response is in
 * flight nothing is timed here, since answers may legitimately take minutes. Sits first in the
 * pipeline, on raw bytes, so it sees a request start before any header is complete:
 * <pre>
 * pipeline.addLast("slow-client", guard);          // raw bytes
 * pipeline.addLast("http", new HttpServerCodec());
 * ...
 * pipeline.addLast("pipelining", new PipeliningGuard(guard)); // tells it when a request/response completes
 * </pre>
 * It only watches; every message passes on unchanged.
 */
public final class SlowClientGuard extends ChannelDuplexHandler {
    private enum State { IDLE, READING, BUSY }

    private final long readTimeoutNanos;
    private final long idleTimeoutNanos;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private long deadline;
    /** The one pending check, due at {@link #checkAt}; it re-arms itself, so most state changes never touch it. */
    private ScheduledFuture<?> check;
    private long checkAt;

    public SlowClientGuard(Duration readTimeout, Duration idleTimeout) {
        this.readTimeoutNanos = readTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().isActive()) {
            becomeIdle();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        becomeIdle();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE) {
            state = State.READING;
            armFor(ctx.executor().ticker().nanoTime() + readTimeoutNanos);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** A whole request arrived: stop timing until its response is complete (a pending check finds nothing to do). */
    public void requestReceived() {
        state = State.BUSY;
    }

    /** The response is complete; the connection waits for the next request. */
    public void responseCompleted() {
        if (ctx != null && ctx.channel().isActive()) {
            becomeIdle();
        }
    }

    private void becomeIdle() {
        state = State.IDLE;
        armFor(ctx.executor().ticker().nanoTime() + idleTimeoutNanos);
    }

    /**
     * Sets the deadline, and makes sure a check comes no later than it. A check already due
     * before it stays as it is: when it runs it moves itself on to the deadline then in force.
     * A busy keep-alive connection thus costs no timer work per request.
     */
    private void armFor(long newDeadline) {
        deadline = newDeadline;
        if (check != null && checkAt <= newDeadline) {
            return;
        }
        cancel();
        schedule(newDeadline - ctx.executor().ticker().nanoTime());
    }

    private void schedule(long delayNanos) {
        checkAt = ctx.executor().ticker().nanoTime() + delayNanos;
        check = ctx.executor().schedule(this::onCheck, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Times come from the executor's ticker, so tests can advance a fake clock. */
    private void onCheck() {
        check = null;
        if (state == State.BUSY || !ctx.channel().isActive()) {
            return;
        }
        long left = deadline - ctx.executor().ticker().nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        // Closing without a response: a half-sent request leaves no framing to answer on.
        ctx.close();
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
