package io.brokle.control.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.brokle.control.ControlServices;
import io.brokle.control.keys.KeySpec;
import io.brokle.control.testing.BothDatabases;
import io.brokle.control.testing.ServiceFixture;
import io.brokle.control.testing.TestDatabase;
import java.util.concurrent.CompletableFuture;

/** Two control-plane nodes on one database, no Redis: the check wakes this node's waiters for the other's change. */
class DatabaseVersionCheckTest {
    @BothDatabases
    void aChangeCommittedByAnotherNodeWakesTheWaitersHere(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        ControlServices otherNode = ControlServices.create(f.jdbi, ServiceFixture.PEPPER, f.services.cipher(), f.clock);
        SnapshotPublisher here = f.services.publisher();
        DatabaseVersionCheck check = new DatabaseVersionCheck(f.jdbi, here);
        CompletableFuture<Long> waiting = here.awaitNewer(f.environment, 0);
        check.run();
        assertFalse(waiting.isDone(), "nothing changed yet");

        otherNode.keys().create(f.user, f.environment, KeySpec.named("made elsewhere"));
        assertFalse(waiting.isDone(), "this node's publisher heard nothing by itself");
        check.run();

        assertEquals(1L, waiting.getNow(-1L));
    }
}
