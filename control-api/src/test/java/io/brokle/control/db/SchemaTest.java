package io.brokle.control.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** The rules the shipped schema enforces by itself, the same on both databases. */
class SchemaTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:15:30Z");

    private record Tenant(UUID organization, UUID environment, UUID user) {
    }

    private static Tenant tenant(Jdbi jdbi) {
        new Migrator(jdbi, ClasspathMigrations.shipped(), Clock.systemUTC()).up(Migrator.ALL, step -> { });
        Organization org = Organization.create("acme", "ACME", NOW);
        Project project = Project.create(org.id(), "chat", "Chat", NOW);
        Environment env = Environment.create(project.id(), "prod", NOW);
        jdbi.onDemand(OrganizationDao.class).insert(org);
        jdbi.onDemand(ProjectDao.class).insert(project);
        jdbi.onDemand(EnvironmentDao.class).insert(env);
        UUID user = UUID.randomUUID();
        jdbi.useHandle(h -> h.createUpdate("insert into users (id, email, password_hash) values (:id, :email, :hash)")
                .bind("id", user).bind("email", "ada@example.com").bind("hash", "$argon2id$...").execute());
        return new Tenant(org.id(), env.id(), user);
    }

    private static void assertViolates(String constraint, Jdbi jdbi, String sql, Map<String, Object> values) {
        UnableToExecuteStatementException e = assertThrows(UnableToExecuteStatementException.class,
                () -> jdbi.useHandle(h -> h.createUpdate(sql).bindMap(values).execute()));
        String message = e.getCause().getMessage().toLowerCase(Locale.ROOT);
        assertTrue(message.contains(constraint), message);
    }

    @BothDatabases
    void membershipRolesAreTheFourKnownOnes(TestDatabase db) {
        Tenant t = tenant(db.jdbi());
        String insert = "insert into memberships (user_id, organization_id, role) values (:u, :o, :role)";

        db.jdbi().useHandle(h -> h.createUpdate(insert).bind("u", t.user()).bind("o", t.organization())
                .bind("role", "owner").execute());

        assertViolates("memberships_pk", db.jdbi(), insert, Map.of("u", t.user(), "o", t.organization(), "role", "viewer"));
        db.jdbi().useHandle(h -> h.execute("delete from memberships"));
        assertViolates("memberships_role_check", db.jdbi(), insert,
                Map.of("u", t.user(), "o", t.organization(), "role", "root"));
    }

    @BothDatabases
    void virtualKeysAreUniqueByHashWithJsonDefaults(TestDatabase db) {
        Tenant t = tenant(db.jdbi());
        String insert = "insert into virtual_keys (id, environment_id, key_hash, display_prefix, name, created_by) "
                + "values (:id, :env, :hash, :prefix, :name, :by)";
        String hash = "ab".repeat(32);
        db.jdbi().useHandle(h -> h.createUpdate(insert).bindMap(Map.of("id", UUID.randomUUID(), "env", t.environment(),
                "hash", hash, "prefix", "bk-3f9a", "name", "ci", "by", t.user())).execute());

        assertViolates("virtual_keys_key_hash_unique", db.jdbi(), insert, Map.of("id", UUID.randomUUID(),
                "env", t.environment(), "hash", hash, "prefix", "bk-3f9a", "name", "again", "by", t.user()));
        Map<String, Object> row = db.jdbi().withHandle(h -> h.createQuery(
                "select allowed_models, metadata, tags, expires_at, revoked_at from virtual_keys").mapToMap().one());
        assertEquals("[]", row.get("allowed_models"));
        assertEquals("{}", row.get("metadata"));
        assertEquals("[]", row.get("tags"));
        assertNull(row.get("revoked_at"));

        // Deleting the creator keeps the key, without its author.
        db.jdbi().useHandle(h -> h.execute("delete from users"));
        assertNull(db.jdbi().withHandle(h -> h.createQuery("select created_by from virtual_keys")
                .mapTo(UUID.class).one()));
    }

    @BothDatabases
    void providerCredentialsAreBytesAndNamesUniquePerEnvironment(TestDatabase db) {
        Tenant t = tenant(db.jdbi());
        byte[] sealed = {0, 1, 2, (byte) 0xfe, (byte) 0xff};
        String insert = "insert into providers (id, environment_id, name, kind, base_url, encrypted_credential) "
                + "values (:id, :env, :name, :kind, :url, :credential)";
        db.jdbi().useHandle(h -> h.createUpdate(insert).bindMap(Map.of("id", UUID.randomUUID(), "env", t.environment(),
                "name", "openai", "kind", "openai", "url", "https://api.openai.com/v1", "credential", sealed)).execute());

        byte[] stored = db.jdbi().withHandle(h -> h.createQuery("select encrypted_credential from providers")
                .mapTo(byte[].class).one());
        assertArrayEquals(sealed, stored);
        assertViolates("providers_name_unique", db.jdbi(), insert, Map.of("id", UUID.randomUUID(),
                "env", t.environment(), "name", "openai", "kind", "azure", "url", "https://x", "credential", sealed));
    }

    @BothDatabases
    void parentsWithChildrenCannotBeDeleted(TestDatabase db) {
        Tenant t = tenant(db.jdbi());

        assertViolates("projects_organization_fk", db.jdbi(), "delete from organizations where id = :id",
                Map.of("id", t.organization()));
    }
}
