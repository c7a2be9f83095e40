package io.brokle.control.testing;

import io.brokle.config.GatewaySnapshot;
import io.brokle.control.ControlServices;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Project;
import io.brokle.control.credentials.CredentialCipher;
import io.brokle.control.db.EnvironmentDao;
import io.brokle.control.db.OrganizationDao;
import io.brokle.control.db.ProjectDao;
import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.Migrator;
import io.brokle.control.snapshot.SnapshotBuilder;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * A migrated database with one tenant (acme/chat/prod), one user, and the control services on a
 * {@link ManualClock}: what the key, provider and route tests start from.
 */
public final class ServiceFixture {
    public static final String PEPPER = "fixture-pepper-0123456789";
    public static final Instant START = Instant.parse("2026-11-25T10:15:30Z");

    public final Jdbi jdbi;
    public final ManualClock clock = new ManualClock(START);
    public final UUID environment;
    public final UUID user = UUID.randomUUID();
    public final ControlServices services;

    public ServiceFixture(TestDatabase db) {
        this(db, randomKey());
    }

    public ServiceFixture(TestDatabase db, byte[] masterKey) {
        this.jdbi = db.jdbi();
        new Migrator(jdbi, ClasspathMigrations.shipped(), Clock.systemUTC()).up(Migrator.ALL, step -> { });
        this.environment = tenant(jdbi, "acme", "chat", "prod");
        jdbi.useHandle(h -> h.createUpdate("insert into users (id, email, password_hash) values (:id, :email, 'x')")
                .bind("id", user).bind("email", "ada@example.com").execute());
        this.services = ControlServices.create(jdbi, PEPPER, masterKey == null ? null : CredentialCipher.of(List.of(masterKey)),
                clock);
    }

    /** Inserts an organization, project and environment; returns the environment's id. */
    public static UUID tenant(Jdbi jdbi, String org, String project, String env) {
        Organization o = Organization.create(org, org, START);
        Project p = Project.create(o.id(), project, project, START);
        Environment e = Environment.create(p.id(), env, START);
        jdbi.onDemand(OrganizationDao.class).insert(o);
        jdbi.onDemand(ProjectDao.class).insert(p);
        jdbi.onDemand(EnvironmentDao.class).insert(e);
        return e.id();
    }

    public static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** The environment's snapshot as a proxy would get it. */
    public GatewaySnapshot snapshot() {
        return jdbi.withHandle(h -> services.builder().build(h, environment));
    }

    public long version() {
        return jdbi.withHandle(h -> SnapshotBuilder.version(h, environment));
    }
}
