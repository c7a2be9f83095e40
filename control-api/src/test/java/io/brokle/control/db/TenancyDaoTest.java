package io.brokle.control.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.core.Environment;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Project;
import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.Migrator;
import io.brokle.control.testing.BothDatabases;
import io.brokle.control.testing.TestDatabase;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

class TenancyDaoTest {
    /** Nanoseconds on purpose: the records keep microseconds, as both databases do. */
    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30.123456789Z");

    private static Jdbi migrated(TestDatabase db) {
        new Migrator(db.jdbi(), ClasspathMigrations.shipped(), Clock.systemUTC()).up(Migrator.ALL, step -> { });
        return db.jdbi();
    }

    private static void assertViolates(String constraint, Runnable write) {
        UnableToExecuteStatementException e = assertThrows(UnableToExecuteStatementException.class, write::run);
        String message = e.getCause().getMessage().toLowerCase(Locale.ROOT);
        assertTrue(message.contains(constraint), message);
    }

    @BothDatabases
    void organizationsAreFoundByIdAndSlugAndListedBySlug(TestDatabase db) {
        OrganizationDao organizations = migrated(db).onDemand(OrganizationDao.class);
        Organization zeta = Organization.create("zeta", "Zeta Inc.", NOW);
        Organization acme = Organization.create("acme", "ACME Corporation", NOW.plusSeconds(1));

        organizations.insert(zeta);
        organizations.insert(acme);

        assertEquals(Instant.parse("2026-11-25T10:15:30.123456Z"), zeta.createdAt());
        assertEquals(Optional.of(zeta), organizations.findById(zeta.id()));
        assertEquals(Optional.of(acme), organizations.findBySlug("acme"));
        assertEquals(Optional.empty(), organizations.findById(UUID.randomUUID()));
        assertEquals(Optional.empty(), organizations.findBySlug("nobody"));
        assertEquals(List.of(acme, zeta), organizations.list());
    }

    @BothDatabases
    void organizationSlugsAreUnique(TestDatabase db) {
        OrganizationDao organizations = migrated(db).onDemand(OrganizationDao.class);
        organizations.insert(Organization.create("acme", "ACME", NOW));

        assertViolates("organizations_slug_unique",
                () -> organizations.insert(Organization.create("acme", "Another ACME", NOW)));
        assertEquals(1, organizations.list().size());
    }

    @BothDatabases
    void projectSlugsAreUniqueWithinTheirOrganizationOnly(TestDatabase db) {
        Jdbi jdbi = migrated(db);
        OrganizationDao organizations = jdbi.onDemand(OrganizationDao.class);
        ProjectDao projects = jdbi.onDemand(ProjectDao.class);
        Organization acme = Organization.create("acme", "ACME", NOW);
        Organization zeta = Organization.create("zeta", "Zeta", NOW);
        organizations.insert(acme);
        organizations.insert(zeta);

        Project acmeChat = Project.create(acme.id(), "chat", "Chat", NOW);
        Project acmeAgents = Project.create(acme.id(), "agents", "Agents", NOW);
        Project zetaChat = Project.create(zeta.id(), "chat", "Chat", NOW);
        projects.insert(acmeChat);
        projects.insert(acmeAgents);
        projects.insert(zetaChat);

        assertViolates("projects_slug_unique", () -> projects.insert(Project.create(acme.id(), "chat", "Again", NOW)));
        assertViolates("projects_organization_fk",
                () -> projects.insert(Project.create(UUID.randomUUID(), "orphan", "Orphan", NOW)));
        assertEquals(Optional.of(acmeChat), projects.findBySlug(acme.id(), "chat"));
        assertEquals(Optional.of(zetaChat), projects.findBySlug(zeta.id(), "chat"));
        assertEquals(Optional.of(acmeAgents), projects.findById(acmeAgents.id()));
        assertEquals(List.of(acmeAgents, acmeChat), projects.listByOrganization(acme.id()));
        assertEquals(List.of(zetaChat), projects.listByOrganization(zeta.id()));
    }

    @BothDatabases
    void environmentNamesAreUniqueWithinTheirProject(TestDatabase db) {
        Jdbi jdbi = migrated(db);
        Organization acme = Organization.create("acme", "ACME", NOW);
        jdbi.onDemand(OrganizationDao.class).insert(acme);
        Project chat = Project.create(acme.id(), "chat", "Chat", NOW);
        jdbi.onDemand(ProjectDao.class).insert(chat);
        EnvironmentDao environments = jdbi.onDemand(EnvironmentDao.class);

        List<Environment> created = List.of(Environment.create(chat.id(), "prod", NOW),
                Environment.create(chat.id(), "dev", NOW), Environment.create(chat.id(), "staging", NOW));
        created.forEach(environments::insert);

        assertViolates("environments_name_unique", () -> environments.insert(Environment.create(chat.id(), "dev", NOW)));
        assertViolates("environments_project_fk",
                () -> environments.insert(Environment.create(UUID.randomUUID(), "dev", NOW)));
        assertEquals(Optional.of(created.get(0)), environments.findByName(chat.id(), "prod"));
        assertEquals(Optional.of(created.get(2)), environments.findById(created.get(2).id()));
        assertEquals(Optional.empty(), environments.findByName(chat.id(), "qa"));
        assertEquals(List.of("dev", "prod", "staging"),
                environments.listByProject(chat.id()).stream().map(Environment::name).toList());
    }
}
