package io.brokle.control.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.GatewaySnapshot;
import io.brokle.config.VirtualKey;
import io.brokle.control.routes.DeploymentSpec;
import io.brokle.control.routes.RouteSpec;
import io.brokle.control.snapshot.InvalidChangeException;
import io.brokle.control.testing.BothDatabases;
import io.brokle.control.testing.ServiceFixture;
import io.brokle.control.testing.TestDatabase;
import io.brokle.control.credentials.ProviderSpec;
import io.brokle.proxy.http.KeyHasher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;

class KeyServiceTest {
    /** The proxy's own hasher under the shared pepper: what every proxy verifies keys with. */
    private static final KeyHasher PROXY = new KeyHasher(ServiceFixture.PEPPER);

    private static VirtualKey inSnapshot(ServiceFixture f, String secret) {
        return f.snapshot().keyByHash(PROXY.hash(secret)).orElseThrow();
    }

    private static void addRoute(ServiceFixture f, String model) {
        f.services.providers().create(f.user, f.environment,
                new ProviderSpec("mock-" + model, "mock", null, null, null, true, null, null, null));
        f.services.routes().putDeployment(f.user, f.environment, new DeploymentSpec("d-" + model, "mock-" + model, "m", 1, null, null));
        f.services.routes().putRoute(f.user, f.environment, new RouteSpec(model, List.of("d-" + model), null, null, null));
    }

    @BothDatabases
    void aCreatedKeyVerifiesWithTheProxysHasherAndOnlyItsHashIsStored(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        KeyService keys = f.services.keys();

        CreatedKey created = keys.create(f.user, f.environment, new KeySpec("ci", List.of(), Map.of("team", "search"),
                List.of("prod", "ci:nightly"), null));

        String secret = created.secret();
        assertTrue(secret.startsWith("brk-") && secret.length() > 40, secret.substring(0, 4));
        VirtualKey key = inSnapshot(f, secret);
        assertEquals(created.key().id().toString(), key.id());
        assertEquals("acme/chat/prod", key.tenant().toString());
        assertTrue(key.usableAt(f.clock.instant()));
        assertEquals(secret.substring(0, KeyService.DISPLAY_PREFIX_LENGTH), created.key().displayPrefix());
        assertEquals(Map.of("team", "search"), created.key().metadata());
        assertEquals(List.of("prod", "ci:nightly"), created.key().tags());
        assertEquals(f.user, created.key().createdBy());
        assertEquals(1, f.version());
        // Nothing stored or shown contains the secret.
        List<Map<String, Object>> rows = db.jdbi().withHandle(h -> h.createQuery("select * from virtual_keys").mapToMap().list());
        assertFalse(rows.toString().contains(secret.substring(KeyService.DISPLAY_PREFIX_LENGTH)), "secret stored");
        assertFalse(keys.list(f.environment).toString().contains(secret.substring(KeyService.DISPLAY_PREFIX_LENGTH)));
        assertFalse(created.toString().contains(secret.substring(KeyService.DISPLAY_PREFIX_LENGTH)));
        assertEquals(List.of(created.key()), keys.list(f.environment));
    }

    @BothDatabases
    void badInputNamesEveryFieldAndWritesNothing(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        KeyService keys = f.services.keys();

        InvalidChangeException e = assertThrows(InvalidChangeException.class, () -> keys.create(f.user, f.environment,
                new KeySpec(" ", List.of("gpt", "gpt"), Map.of("k", "v".repeat(600)), List.of("has space"),
                        ServiceFixture.START.minusSeconds(1))));

        assertEquals(List.of("name: missing (expected: 1 to 200 characters)",
                "allowedModels[1]: \"gpt\" is listed twice",
                "metadata.k: 600 characters (expected: at most 512)",
                "tags[0]: \"has space\" (expected: 1 to 64 of A-Z, a-z, 0-9, '.', '_', ':', '-')",
                "expiresAt: 2026-11-25T10:15:29Z (expected: a time in the future)"), e.problems());
        assertEquals(List.of(), keys.list(f.environment));
        assertEquals(0, f.version());

        java.util.Map<String, String> nullValue = new java.util.HashMap<>();
        nullValue.put("owner", null);
        InvalidChangeException nulls = assertThrows(InvalidChangeException.class, () -> keys.create(f.user, f.environment,
                new KeySpec("k", java.util.Arrays.asList("gpt", null), nullValue, java.util.Arrays.asList((String) null), null)));
        assertEquals(List.of("allowedModels[1]: empty (expected: a model name)",
                "metadata: key \"owner\" has no value (expected: text keys and values)",
                "tags[0]: null (expected: 1 to 64 of A-Z, a-z, 0-9, '.', '_', ':', '-')"), nulls.problems());
    }

    @BothDatabases
    void allowedModelsMustBeRoutesOfTheEnvironmentAsInAYamlFile(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        addRoute(f, "gpt");
        long before = f.version();

        InvalidChangeException e = assertThrows(InvalidChangeException.class, () -> f.services.keys().create(f.user,
                f.environment, new KeySpec("k", List.of("gpt", "claude"), Map.of(), List.of(), null)));

        assertTrue(e.getMessage().startsWith("keys[0].models[1]: unknown model \"claude\" (known: gpt)"), e.getMessage());
        assertEquals(List.of(), f.services.keys().list(f.environment));
        assertEquals(before, f.version());
        CreatedKey ok = f.services.keys().create(f.user, f.environment, new KeySpec("k", List.of("gpt"), Map.of(), List.of(), null));
        assertTrue(inSnapshot(f, ok.secret()).allows("gpt"));
        assertFalse(inSnapshot(f, ok.secret()).allows("claude"));
    }

    @BothDatabases
    void revokedKeysAreMarkedRevokedInTheNextSnapshot(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        CreatedKey created = f.services.keys().create(f.user, f.environment, KeySpec.named("ci"));
        long before = f.version();

        KeyView revoked = f.services.keys().revoke(f.user, created.key().id());

        assertEquals(f.clock.instant(), revoked.revokedAt());
        assertTrue(inSnapshot(f, created.secret()).revoked());
        assertEquals(before + 1, f.version());
        assertEquals(f.user, db.jdbi().withHandle(h -> h.createQuery("select updated_by from virtual_keys")
                .mapTo(UUID.class).one()), "the actor is recorded");
        // Again: nothing changes, no new version.
        f.services.keys().revoke(f.user, created.key().id());
        assertEquals(before + 1, f.version());
        assertThrows(IllegalStateException.class, () -> f.services.keys().rotate(f.user, created.key().id(), Duration.ZERO));
        assertThrows(NoSuchElementException.class, () -> f.services.keys().revoke(f.user, UUID.randomUUID()));
    }

    @BothDatabases
    void aRotatedKeyKeepsWorkingUntilItsGraceEndsThenOnlyTheNewOneWorks(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        KeyService keys = f.services.keys();
        CreatedKey old = keys.create(f.user, f.environment, new KeySpec("ci", List.of(), Map.of("a", "b"), List.of("t"), null));
        f.clock.advance(Duration.ofMinutes(5));

        CreatedKey next = keys.rotate(f.user, old.key().id(), Duration.ofHours(1));

        assertNotEquals(old.secret(), next.secret());
        assertEquals("ci", next.key().name());
        assertEquals(Map.of("a", "b"), next.key().metadata());
        GatewaySnapshot snapshot = f.snapshot();
        VirtualKey oldKey = snapshot.keyByHash(PROXY.hash(old.secret())).orElseThrow();
        VirtualKey newKey = snapshot.keyByHash(PROXY.hash(next.secret())).orElseThrow();
        Instant rotatedAt = f.clock.instant();
        assertTrue(oldKey.usableAt(rotatedAt.plus(Duration.ofMinutes(59))), "old key within the grace period");
        assertFalse(oldKey.usableAt(rotatedAt.plus(Duration.ofHours(1))), "old key after the grace period");
        assertTrue(newKey.usableAt(rotatedAt.plus(Duration.ofDays(365))));
        KeyView oldView = keys.get(old.key().id()).orElseThrow();
        assertEquals(next.key().id(), oldView.replacedBy());
        assertEquals(rotatedAt, oldView.rotatedAt());
        IllegalStateException again = assertThrows(IllegalStateException.class,
                () -> keys.rotate(f.user, old.key().id(), Duration.ZERO));
        assertTrue(again.getMessage().contains("already rotated"), again.getMessage());
        assertThrows(InvalidChangeException.class, () -> keys.rotate(f.user, next.key().id(), Duration.ofDays(31)));
    }

    @BothDatabases
    void aRotationNeverExtendsAKeysExpiry(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        Instant expires = ServiceFixture.START.plus(Duration.ofMinutes(10));
        CreatedKey old = f.services.keys().create(f.user, f.environment, new KeySpec("ci", null, null, null, expires));

        CreatedKey next = f.services.keys().rotate(f.user, old.key().id(), Duration.ofDays(1));

        assertEquals(expires, f.services.keys().get(old.key().id()).orElseThrow().expiresAt());
        assertEquals(expires, next.key().expiresAt());
        VirtualKey key = inSnapshot(f, old.secret());
        assertTrue(key.usableAt(expires.minusMillis(1)));
        assertFalse(key.usableAt(expires));
        f.clock.advance(Duration.ofMinutes(10));
        assertThrows(IllegalStateException.class, () -> f.services.keys().rotate(f.user, next.key().id(), Duration.ZERO));
    }

    @BothDatabases
    void updateReplacesTheEditableFields(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        addRoute(f, "gpt");
        CreatedKey created = f.services.keys().create(f.user, f.environment, KeySpec.named("ci"));

        KeyView updated = f.services.keys().update(f.user, created.key().id(),
                new KeySpec("nightly", List.of("gpt"), Map.of("x", "y"), List.of("n"), ServiceFixture.START.plusSeconds(60)));

        assertEquals("nightly", updated.name());
        assertEquals(List.of("gpt"), updated.allowedModels());
        VirtualKey key = inSnapshot(f, created.secret());
        assertEquals(ServiceFixture.START.plusSeconds(60), key.expiresAt());
        assertFalse(key.allows("other"));
    }

    @BothDatabases
    void keysOfAnUnknownEnvironmentAreRefused(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);

        assertThrows(NoSuchElementException.class, () -> f.services.keys().create(f.user, UUID.randomUUID(), KeySpec.named("x")));
        assertEquals(Integer.valueOf(0), db.jdbi().withHandle(h -> h.createQuery("select count(*) from virtual_keys").mapTo(Integer.class).one()));
    }
}
