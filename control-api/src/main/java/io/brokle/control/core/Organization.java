package io.brokle.control.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * The top of the tenancy: an organization owns projects, and its members have roles in it.
 *
 * @param id        made by the application ({@link #create}), never by the database
 * @param slug      unique among organizations; see {@link Slugs}
 * @param name      what people call it
 * @param createdAt to the microsecond, the precision both databases keep
 */
public record Organization(UUID id, String slug, String name, Instant createdAt) {
    public Organization {
        Objects.requireNonNull(id, "id");
        Slugs.require("organization slug", slug);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new organization with a fresh id, created {@code now}. */
    public static Organization create(String slug, String name, Instant now) {
        return new Organization(UUID.randomUUID(), slug, name, now.truncatedTo(ChronoUnit.MICROS));
    }
}
