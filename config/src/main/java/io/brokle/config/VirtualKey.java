package io.brokle.config;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A caller's credential as the gateway knows it: never the secret, only its keyed hash.
 *
 * @param id            public identifier, safe to log
 * @param hash          lower-case hex HMAC-SHA-256 of the secret under the gateway's key pepper
 * @param tenant        the organization, project and environment the key acts for
 * @param allowedModels public model names this key may use, in the given order; empty means every route
 * @param expiresAt     the key stops working at this instant; {@code null} for never
 * @param revoked       true once the key was revoked
 */
public record VirtualKey(String id, String hash, TenantPath tenant, Set<String> allowedModels,
                         Instant expiresAt, boolean revoked) {
    public VirtualKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(tenant, "tenant");
        // An immutable copy that keeps the order, so messages and toString match the file.
        allowedModels = Collections.unmodifiableSet(new LinkedHashSet<>(List.copyOf(allowedModels)));
    }

    /** Whether this key may call {@code model}. */
    public boolean allows(String model) {
        return allowedModels.isEmpty() || allowedModels.contains(model);
    }

    /** Whether this key works at {@code now}: not revoked and not expired. */
    public boolean usableAt(Instant now) {
        return !revoked && (expiresAt == null || now.isBefore(expiresAt));
    }
}
