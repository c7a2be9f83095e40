package io.brokle.control.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SnapshotPublisherTest {
    private final SnapshotPublisher publisher = new SnapshotPublisher();
    private final UUID env = UUID.randomUUID();

    @Test
    void aWaiterCompletesWithTheFirstNewerVersion() {
        publisher.heard(env, 3);
        CompletableFuture<Long> waiting = publisher.awaitNewer(env, 3);
        assertFalse(waiting.isDone());
        assertEquals(1, publisher.waiting(env));

        publisher.published(env, 4);

        assertEquals(4L, waiting.join());
        assertEquals(0, publisher.waiting(env));
    }

    @Test
    void aWaiterThatArrivesAfterThePublicationDoesNotMissIt() {
        publisher.published(env, 7);

        assertEquals(7L, publisher.awaitNewer(env, 5).join());
    }

    @Test
    void olderNewsAndOtherEnvironmentsWakeNobody() {
        publisher.heard(env, 5);
        CompletableFuture<Long> waiting = publisher.awaitNewer(env, 5);

        publisher.heard(env, 4);
        publisher.published(UUID.randomUUID(), 100);

        assertFalse(waiting.isDone());
    }

    @Test
    void aCancelledWaiterIsForgottenAndListenersHearEveryNewVersion() {
        List<Long> heard = new ArrayList<>();
        publisher.onPublished((e, v) -> heard.add(v));
        CompletableFuture<Long> waiting = publisher.awaitNewer(env, 0);

        waiting.cancel(false);
        publisher.published(env, 1);
        publisher.published(env, 1);
        publisher.published(env, 2);

        assertEquals(0, publisher.waiting(env));
        assertTrue(waiting.isCancelled());
        assertEquals(List.of(1L, 2L), heard);
    }
}
