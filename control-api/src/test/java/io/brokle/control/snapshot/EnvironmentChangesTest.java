package io.brokle.control.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brokle.control.keys.KeySpec;
import io.brokle.control.testing.BothDatabases;
import io.brokle.control.testing.ServiceFixture;
import io.brokle.control.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A service's change made inside a caller's transaction (a resource writing the audit row with
 * it) joins that transaction: it commits or rolls back with the caller's writes, and proxies are
 * told of the new version only once the caller's transaction has committed.
 */
class EnvironmentChangesTest {
    @BothDatabases
    void aJoinedChangeIsPublishedOnlyWhenTheCallersTransactionCommits(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        List<Long> published = new CopyOnWriteArrayList<>();
        f.services.publisher().onPublished((env, version) -> published.add(version));

        f.jdbi.useTransaction(h -> {
            f.services.keys().create(f.user, f.environment, KeySpec.named("joined"));
            h.createUpdate("insert into users (id, email, password_hash) values (:id, 'audit@example.com', 'x')")
                    .bind("id", java.util.UUID.randomUUID()).execute();
            assertEquals(List.of(), published, "not before the caller's commit");
        });

        assertEquals(List.of(1L), published);
        assertEquals(1, f.services.keys().list(f.environment).size());
    }

    @BothDatabases
    void aJoinedChangeRollsBackWithTheCallersTransaction(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        List<Long> published = new CopyOnWriteArrayList<>();
        f.services.publisher().onPublished((env, version) -> published.add(version));

        assertThrows(IllegalStateException.class, () -> f.jdbi.useTransaction(h -> {
            f.services.keys().create(f.user, f.environment, KeySpec.named("doomed"));
            throw new IllegalStateException("the audit row could not be written");
        }));

        assertEquals(List.of(), f.services.keys().list(f.environment));
        assertEquals(0, f.version());
        assertEquals(List.of(), published);
    }
}
