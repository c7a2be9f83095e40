package io.brokle.proxy.mock;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Writes one {@link MockAnswer} to a channel at the mock's pace: the head and the first part
 * after {@code firstByteDelay}, then each further part, flushed on its own, {@code partDelay}
 * after the previous one. Waiting is {@code eventLoop().schedule}, never a sleep, so one event
 * loop serves any number of slow streams.
 *
 * <p>{@code partLimit} cuts the answer short: after that many parts the writer stops as if the
 * answer were complete ({@link #ALL_PARTS} writes everything). Either way {@code whenStopped}
 * runs on the event loop once the last write has completed (successfully or not), and not at
 * all if the writer is cancelled or finds the channel closed.
 *
 * <p>When the channel stops being writable the next part waits until the previous one has been
 * written, so a slow reader holds the stream back instead of letting it pile up in the outbound
 * buffer. Parts are written as they are made and belong to the channel; the writer holds no
 * buffer. Confined to the channel's event loop.
 */
public final class MockAnswerWriter {
    /** A {@code partLimit} that writes the whole answer. */
    public static final int ALL_PARTS = Integer.MAX_VALUE;

    private final Channel channel;
    private final MockAnswer answer;
    private final long firstByteDelayNanos;
    private final long partDelayNanos;
    private final int partLimit;
    private final Runnable whenStopped;
    private boolean headWritten;
    private int partsWritten;
    private boolean cancelled;
    private ScheduledFuture<?> scheduled;

    public MockAnswerWriter(Channel channel, MockAnswer answer, Duration firstByteDelay, Duration partDelay,
                            int partLimit, Runnable whenStopped) {
        if (partLimit < 0) {
            throw new IllegalArgumentException("partLimit: " + partLimit + " (expected: >= 0)");
        }
        this.channel = Objects.requireNonNull(channel, "channel");
        this.answer = Objects.requireNonNull(answer, "answer");
        this.firstByteDelayNanos = firstByteDelay.toNanos();
        this.partDelayNanos = partDelay.toNanos();
        this.partLimit = partLimit;
        this.whenStopped = Objects.requireNonNull(whenStopped, "whenStopped");
    }

    /** Starts writing; call once, on the channel's event loop. */
    public void start() {
        assert channel.eventLoop().inEventLoop();
        if (firstByteDelayNanos > 0) {
            scheduled = channel.eventLoop().schedule(this::writeNext, firstByteDelayNanos, TimeUnit.NANOSECONDS);
        } else {
            writeNext();
        }
    }

    /** Stops writing without calling {@code whenStopped}; call on the channel's event loop. */
    public void cancel() {
        cancelled = true;
        if (scheduled != null) {
            scheduled.cancel(false);
            scheduled = null;
        }
    }

    private void writeNext() {
        scheduled = null;
        if (cancelled || !channel.isActive()) {
            cancelled = true;
            return;
        }
        ChannelFuture lastWrite = null;
        if (!headWritten) {
            headWritten = true;
            // The head goes out with the first part in one flush; alone only when no part follows.
            lastWrite = hasPartToWrite() ? channel.write(answer.head()) : channel.writeAndFlush(answer.head());
        }
        while (hasPartToWrite()) {
            lastWrite = channel.writeAndFlush(answer.nextPart(channel.alloc()));
            partsWritten++;
            if (!hasPartToWrite()) {
                break;
            }
            if (!channel.isWritable()) {
                // A slow reader: go on once this part has left, so a stream never piles up in memory.
                lastWrite.addListener(written -> waitThenWriteNext());
                return;
            }
            if (partDelayNanos > 0) {
                waitThenWriteNext();
                return;
            }
        }
        lastWrite.addListener(written -> {
            if (!cancelled) {
                whenStopped.run();
            }
        });
    }

    private void waitThenWriteNext() {
        if (partDelayNanos > 0) {
            scheduled = channel.eventLoop().schedule(this::writeNext, partDelayNanos, TimeUnit.NANOSECONDS);
        } else {
            writeNext();
        }
    }

    private boolean hasPartToWrite() {
        return partsWritten < partLimit && answer.hasNextPart();
    }
}
