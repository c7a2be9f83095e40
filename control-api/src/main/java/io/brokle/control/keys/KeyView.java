package io.brokle.control.keys;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A virtual key as the control plane shows it: never the secret nor its hash.
 *
 * @param displayPrefix the secret's first characters ({@code brk-3f9aXk}), to recognise it in a list
 * @param expiresAt     null for never; for a rotated key, the end of its grace period
 * @param revokedAt     null unless revoked
 * @param replacedBy    the key that replaced it on rotation, or null
 */
public record KeyView(UUID id, UUID environmentId, String name, String displayPrefix, List<String> allowedModels,
                      Map<String, String> metadata, List<String> tags, Instant expiresAt, Instant revokedAt,
                      Instant rotatedAt, UUID replacedBy, Instant createdAt, UUID createdBy) {
    /** Whether the key authenticates at {@code now}. */
    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
