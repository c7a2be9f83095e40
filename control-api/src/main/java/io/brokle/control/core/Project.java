package io.brokle.control.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * A project inside an organization: the unit that owns environments.
 *
 * @param slug unique within its organization; see {@link Slugs}
 */
public record Project(UUID id, UUID organizationId, String slug, String name, Instant createdAt) {
    public Project {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(organizationId, "organizationId");
        Slugs.require("project slug", slug);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new project of {@code organizationId} with a fresh id, created {@code now}. */
    public static Project create(UUID organizationId, String slug, String name, Instant now) {
        return new Project(UUID.randomUUID(), organizationId, slug, name, now.truncatedTo(ChronoUnit.MICROS));
    }
}
