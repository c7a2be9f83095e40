package io.brokle.control.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.brokle.control.api.Views.AuditEntryView;
import io.brokle.control.audit.AuditChange;
import io.brokle.control.audit.AuditChange.Actor;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Invitation;
import io.brokle.control.core.Membership;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Project;
import io.brokle.control.core.Role;
import io.brokle.control.core.Session;
import io.brokle.control.core.User;
import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.Migrator;
import io.brokle.control.testing.BothDatabases;
import io.brokle.control.testing.MutableClock;
import io.brokle.control.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Users, memberships, sessions, invitations, the audit log and tenancy updates, on H2 and PostgreSQL. */
class AuthDaoTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30.123456Z");

    private static Jdbi migrated(TestDatabase db) {
        new Migrator(db.jdbi(), ClasspathMigrations.shipped(), Clock.systemUTC()).up(Migrator.ALL, step -> { });
        return db.jdbi();
    }

    private static User user(Jdbi jdbi, String email) {
        User user = User.create(email, "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", NOW);
        jdbi.onDemand(UserDao.class).insert(user);
        return user;
    }

    private static Organization organization(Jdbi jdbi, String slug) {
        Organization organization = Organization.create(slug, slug.toUpperCase(), NOW);
        jdbi.onDemand(OrganizationDao.class).insert(organization);
        return organization;
    }

    @BothDatabases
    void usersAreFoundByEmailAndEmailsAreUnique(TestDatabase db) {
        Jdbi jdbi = migrated(db);
        UserDao users = jdbi.onDemand(UserDao.class);
        User alice = user(jdbi, "alice@example.com");

        assertEquals(Optional.of(alice), users.findByEmail("alice@example.com"));
        assertEquals(Optional.of(alice), users.findById(alice.id()));
        assertEquals(Optional.empty(), users.findByEmail("bob@example.com"));
        UnableToExecuteStatementException e = assertThrows(UnableToExecuteStatementException.class,
                () -> user(jdbi, "alice@example.com"));
        assertTrue(Constraints.isUniqueViolation(e, "users_email_unique"), e.toString());
        assertFalse(e.getMessage().contains("argon2"), "no bound values in messages: " + e.getMessage());
        assertEquals(1, users.updatePasswordHash(alice.id(), "$argon2id$new"));
        assertEquals("$argon2id$new", users.findById(alice.id()).orElseThrow().passwordHash());
        assertFalse(alice.toString().contains("argon2"), alice.toString());
    }

    @BothDatabases
    void membershipsCarryRolesAndCountOwners(TestDatabase db) {
        Jdbi jdbi = migrated(db);
        MembershipDao memberships = jdbi.onDemand(MembershipDao.class);
        User alice = user(jdbi, "alice@example.com");
        User bob = user(jdbi, "bob@example.com");
        Organization acme = organization(jdbi, "acme");
        Organization zeta = organization(jdbi, "zeta");

        memberships.insert(bob.id(), acme.id(), Role.OWNER, NOW);
        memberships.insert(alice.id(), acme.id(), Role.DEVELOPER, NOW);
        memberships.insert(alice.id(), zeta.id(), Role.OWNER, NOW);

        assertEquals(Optional.of(new Membership(alice.id(), acme.id(), "alice@example.com", Role.DEVELOPER, NOW)),
                memberships.find(acme.id(), alice.id()));
        assertEquals(List.of("alice@example.com", "bob@example.com"),
                memberships.listByOrganization(acme.id()).stream().map(Membership::email).toList());
        assertEquals(2, memberships.listByUser(alice.id()).size());
        assertEquals(1, memberships.countOwners(acme.id()));
        assertEquals(1, memberships.updateRole(acme.id(), alice.id(), Role.OWNER));
        assertEquals(2, memberships.countOwners(acme.id()));
        assertEquals(Set.of(alice.id(), bob.id()),
                Set.copyOf(jdbi.inTransaction(h -> h.attach(MembershipDao.class).lockOwners(acme.id()))));
        assertEquals(1, memberships.delete(acme.id(), alice.id()));
        assertEquals(Optional.empty(), memberships.find(acme.id(), alice.id()));
        assertTrue(Constraints.isUniqueViolation(assertThrows(UnableToExecuteStatementException.class,
                () -> memberships.insert(bob.id(), acme.id(), Role.ADMIN, NOW)), "memberships_pk"));
    }

    @BothDatabases
    void sessionsAreLiveUntilRevokedOrExpiredAndRotateOnce(TestDatabase db) {
        Jdbi jdbi = migrated(db);
        SessionDao sessions = jdbi.onDemand(SessionDao.class);
        User alice = user(jdbi, "alice@example.com");
        Session session = new Session(UUID.randomUUID(), alice.id(), "a".repeat(64), NOW, NOW.plus(Duration.ofDays(30)),
                null);
        sessions.insert(session);

        assertEquals(Optional.of(session), sessions.findBySecretHash("a".repeat(64)));
        assertEquals(Optional.of("alice@example.com"), sessions.liveSessionEmail(session.id(), alice.id(), NOW));
        assertEquals(Optional.empty(), sessions.liveSessionEmail(session.id(), UUID.randomUUID(), NOW),
                "another user's id");
        assertEquals(Optional.empty(), sessions.liveSessionEmail(session.id(), alice.id(), session.expiresAt()));

        assertEquals(1, sessions.rotateSecret(session.id(), "a".repeat(64), "b".repeat(64), NOW));
        assertEquals(0, sessions.rotateSecret(session.id(), "a".repeat(64), "c".repeat(64), NOW), "used once");
        assertEquals(Optional.empty(), sessions.findBySecretHash("a".repeat(64)));

        assertEquals(1, sessions.revoke(session.id(), NOW));
        assertEquals(0, sessions.revoke(session.id(), NOW));
        assertEquals(Optional.empty(), sessions.liveSessionEmail(session.id(), alice.id(), NOW));
        assertEquals(0, sessions.rotateSecret(session.id(), "b".repeat(64), "d".repeat(64), NOW), "revoked");
        assertEquals(NOW, sessions.findById(session.id()).orElseThrow().revokedAt());
    }

    @BothDatabases
    void invitationsAreAcceptedOnceAndOnlyWhilePending(TestDatabase db) {
        Jdbi jdbi = migrated(db);
        InvitationDao invitations = jdbi.onDemand(InvitationDao.class);
        User alice = user(jdbi, "alice@example.com");
        Organization acme = organization(jdbi, "acme");
        Invitation open = new Invitation(UUID.randomUUID(), acme.id(), "bob@example.com", Role.ADMIN, "1".repeat(64),
                alice.id(), NOW, NOW.plus(Duration.ofDays(7)), null, null);
        Invitation later = new Invitation(UUID.randomUUID(), acme.id(), "carol@example.com", Role.VIEWER,
                "2".repeat(64), alice.id(), NOW.plusSeconds(1), NOW.plus(Duration.ofDays(7)), null, null);
        invitations.insert(open);
        invitations.insert(later);

        assertEquals(Optional.of(open), invitations.findByTokenHash("1".repeat(64)));
        assertEquals(List.of(later, open), invitations.listByOrganization(acme.id()));
        assertEquals(0, invitations.accept(open.id(), open.expiresAt()), "expired");
        assertEquals(1, invitations.accept(open.id(), NOW));
        assertEquals(0, invitations.accept(open.id(), NOW), "accepted once");
        assertEquals(0, invitations.revoke(open.id(), NOW), "an accepted invitation stays accepted");
        assertEquals("accepted", invitations.findById(open.id()).orElseThrow().stateAt(NOW));
        assertEquals(1, invitations.revoke(later.id(), NOW));
        assertEquals(0, invitations.accept(later.id(), NOW), "revoked");
        assertEquals("revoked", invitations.findById(later.id()).orElseThrow().stateAt(NOW));
        UnableToExecuteStatementException duplicate = assertThrows(UnableToExecuteStatementException.class,
                () -> invitations.insert(new Invitation(UUID.randomUUID(), acme.id(), "x@example.com", Role.VIEWER,
                        "1".repeat(64), null, NOW, NOW, null, null)));
        assertTrue(Constraints.isUniqueViolation(duplicate, "invitations_token_hash_unique"), duplicate.toString());
    }

    @BothDatabases
    void theAuditLogRecordsRedactedChangesAndPagesNewestFirst(TestDatabase db) {
        Jdbi jdbi = migrated(db);
        MutableClock clock = new MutableClock(NOW);
        AuditLog audit = new AuditLog(new ObjectMapper().registerModule(new JavaTimeModule()), clock);
        Organization acme = organization(jdbi, "acme");
        Organization zeta = organization(jdbi, "zeta");
        UUID project = UUID.randomUUID();
        Actor alice = new Actor(UUID.randomUUID(), "alice@example.com");

        jdbi.useTransaction(h -> {
            audit.record(h, AuditChange.by(alice, "project.create", "project", project).in(acme.id(), project, null)
                    .after(Map.of("slug", "chat", "api_key", "sk-secret", "nested", Map.of("passwordHash", "x"))));
            audit.record(h, AuditChange.by(alice, "project.update", "project", project).in(acme.id(), project, null)
                    .before(Map.of("name", "Chat")).after(Map.of("name", "Chat bot")));
            audit.record(h, AuditChange.by(Actor.SYSTEM, "member.delete", "member", alice.userId())
                    .in(acme.id(), null, null).before(Map.of("role", "viewer")));
            audit.record(h, AuditChange.by(alice, "project.create", "project", UUID.randomUUID()).in(zeta.id(), null, null));
        });
        // a failed transaction leaves no audit row
        assertThrows(IllegalStateException.class, () -> jdbi.useTransaction(h -> {
            audit.record(h, AuditChange.by(alice, "project.delete", "project", project).in(acme.id(), project, null));
            throw new IllegalStateException("the change failed");
        }));

        AuditLog.Page all = jdbi.withHandle(h -> audit.page(h, new AuditLog.Filter(acme.id(), null, null, null), 10, 0));
        assertEquals(List.of("member.delete", "project.update", "project.create"),
                all.entries().stream().map(AuditEntryView::action).toList());
        assertFalse(all.hasMore());
        AuditEntryView created = all.entries().get(2);
        assertEquals("[redacted]", created.after().get("api_key").asText());
        assertEquals("[redacted]", created.after().at("/nested/passwordHash").asText());
        assertEquals("chat", created.after().get("slug").asText());
        assertEquals(project, created.projectId());
        assertEquals("project:" + project, created.target());
        assertEquals(alice.userId(), created.actorId());
        assertEquals(NOW.plusNanos(1_000), created.at());
        AuditEntryView system = all.entries().get(0);
        assertEquals("system", system.actor());
        assertEquals(null, system.actorId());
        assertEquals(null, system.after());

        AuditLog.Page page = jdbi.withHandle(h -> audit.page(h, new AuditLog.Filter(acme.id(), null, "project", null), 1, 0));
        assertEquals(List.of("project.update"), page.entries().stream().map(AuditEntryView::action).toList());
        assertTrue(page.hasMore());
        AuditLog.Page second = jdbi.withHandle(h -> audit.page(h, new AuditLog.Filter(acme.id(), null, "project", null), 1, 1));
        assertEquals(List.of("project.create"), second.entries().stream().map(AuditEntryView::action).toList());
        assertFalse(second.hasMore());
        assertEquals(1, jdbi.withHandle(h -> audit.page(h,
                new AuditLog.Filter(acme.id(), "project.create", null, "project:" + project), 10, 0)).entries().size());
        assertEquals(0, jdbi.withHandle(h -> audit.page(h,
                new AuditLog.Filter(acme.id(), "project.delete", null, null), 10, 0)).entries().size());
    }

    @BothDatabases
    void organizationsAndProjectsAreRenamedAndEmptyOnesDeleted(TestDatabase db) {
        Jdbi jdbi = migrated(db);
        Organization acme = organization(jdbi, "acme");
        ProjectDao projects = jdbi.onDemand(ProjectDao.class);
        EnvironmentDao environments = jdbi.onDemand(EnvironmentDao.class);
        Project chat = Project.create(acme.id(), "chat", "Chat", NOW);
        projects.insert(chat);
        Environment dev = Environment.create(chat.id(), "dev", NOW);
        environments.insert(dev);

        assertEquals(1, jdbi.onDemand(OrganizationDao.class).updateName(acme.id(), "ACME Corporation"));
        assertEquals("ACME Corporation", jdbi.onDemand(OrganizationDao.class).findById(acme.id()).orElseThrow().name());
        assertEquals(1, projects.updateName(chat.id(), "Chat bot"));
        assertEquals("Chat bot", projects.findById(chat.id()).orElseThrow().name());
        assertTrue(Constraints.isForeignKeyViolation(assertThrows(UnableToExecuteStatementException.class,
                () -> projects.delete(chat.id()))));
        assertEquals(1, environments.delete(dev.id()));
        assertEquals(1, projects.delete(chat.id()));
        assertEquals(Optional.empty(), projects.findById(chat.id()));
    }
}
