package io.brokle.control.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * An environment of a project (dev, staging, prod, ...): virtual keys, providers, limits and
 * budgets belong to one environment, the last segment of the tenant path.
 *
 * @param name unique within its project; a slug (see {@link Slugs})
 */
public record Environment(UUID id, UUID projectId, String name, Instant createdAt) {
    public Environment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Slugs.require("environment name", name);
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new environment of {@code projectId} with a fresh id, created {@code now}. */
    public static Environment create(UUID projectId, String name, Instant now) {
        return new Environment(UUID.randomUUID(), projectId, name, now.truncatedTo(ChronoUnit.MICROS));
    }
}
