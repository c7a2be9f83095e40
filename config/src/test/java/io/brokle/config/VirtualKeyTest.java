package io.brokle.config;

import static io.brokle.config.Yaml.HASH_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a key may do and when it works. */
class VirtualKeyTest {
    private static final TenantPath TENANT = new TenantPath("acme", "search", "prod");
    private static final Instant EXPIRY = Instant.parse("2027-01-31T00:00:00Z");

    private static VirtualKey key(Set<String> models, Instant expiresAt, boolean revoked) {
        return new VirtualKey("k", HASH_A, TENANT, models, expiresAt, revoked);
    }

    @Test
    void emptyAllowedListAllowsEveryModel() {
        VirtualKey k = key(Set.of(), null, false);

        assertTrue(k.allows("gpt-4o"));
        assertTrue(k.allows("anything-at-all"));
    }

    @Test
    void allowedListAllowsOnlyItsModels() {
        VirtualKey k = key(Set.of("gpt-4o", "mock"), null, false);

        assertTrue(k.allows("gpt-4o"));
        assertTrue(k.allows("mock"));
        assertFalse(k.allows("gpt-4o-mini"));
        assertFalse(k.allows("GPT-4O"), "model names are case-sensitive");
    }

    @Test
    void keyWithoutExpiryWorksForever() {
        assertTrue(key(Set.of(), null, false).usableAt(Instant.MAX));
    }

    @Test
    void keyWorksUntilJustBeforeItsExpiry() {
        VirtualKey k = key(Set.of(), EXPIRY, false);

        assertTrue(k.usableAt(EXPIRY.minusNanos(1)));
        assertFalse(k.usableAt(EXPIRY), "expiresAt is the first instant the key no longer works");
        assertFalse(k.usableAt(EXPIRY.plusSeconds(1)));
    }

    @Test
    void revokedKeyNeverWorks() {
        assertFalse(key(Set.of(), null, true).usableAt(Instant.EPOCH));
        assertFalse(key(Set.of(), EXPIRY, true).usableAt(EXPIRY.minusSeconds(3600)));
    }

    @Test
    void revokedKeyStillReportsWhatItWouldAllow() {
        assertTrue(key(Set.of("mock"), null, true).allows("mock"));
    }

    @Test
    void parsedKeyFollowsTheSameRules() {
        VirtualKey k = Yaml.parse(Yaml.MINIMAL + """
                keys:
                  - id: k
                    hash: %s
                    tenant: acme/search/prod
                    models: [mock]
                    expiresAt: 2027-01-31T00:00:00Z
                    revoked: false
                """.formatted(HASH_A)).snapshot().keyByHash(HASH_A).orElseThrow();

        assertTrue(k.allows("mock"));
        assertFalse(k.allows("gpt-4o"));
        assertTrue(k.usableAt(Instant.parse("2027-01-30T23:59:59Z")));
        assertFalse(k.usableAt(EXPIRY));
    }

    @Test
    void allowedModelsAreAnImmutableCopy() {
        Set<String> models = new HashSet<>(Set.of("mock"));
        VirtualKey k = key(models, null, false);
        models.add("gpt-4o");

        assertEquals(Set.of("mock"), k.allowedModels());
        assertThrows(UnsupportedOperationException.class, () -> k.allowedModels().add("x"));
    }

    @Test
    void allowedModelsKeepTheirOrder() {
        List<String> models = List.of("z", "a", "m", "b", "y", "c");

        assertEquals(models, List.copyOf(key(new LinkedHashSet<>(models), null, false).allowedModels()));
    }

    @Test
    void requiredPartsMustBePresent() {
        assertThrows(NullPointerException.class, () -> new VirtualKey(null, HASH_A, TENANT, Set.of(), null, false));
        assertThrows(NullPointerException.class, () -> new VirtualKey("k", null, TENANT, Set.of(), null, false));
        assertThrows(NullPointerException.class, () -> new VirtualKey("k", HASH_A, null, Set.of(), null, false));
    }

    @Test
    void tenantPrintsAsItsPath() {
        assertEquals("acme/search/prod", TENANT.toString());
    }
}
