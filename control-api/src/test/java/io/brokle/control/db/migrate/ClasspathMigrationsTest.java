package io.brokle.control.db.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathMigrationsTest {
    @Test
    void shippedMigrationsAreNumberedInOrderAndBothWays() {
        List<Migration> shipped = ClasspathMigrations.shipped();
        // 0006..0009 are reserved for a branch merged separately (users, auth, audit); until then
        // the numbers jump from 0005 to 0010.
        List<Long> versions = shipped.stream().map(Migration::version).toList();
        assertTrue(versions.containsAll(List.of(1L, 2L, 3L, 4L, 5L, 10L, 11L, 12L, 13L)), versions.toString());
        assertEquals(versions.stream().sorted().distinct().toList(), versions);
        assertEquals("0001 create_tenancy", shipped.get(0).label());
        for (Migration m : shipped) {
            assertTrue(!m.upStatements().isEmpty() && !m.downStatements().isEmpty(), m.label());
        }
    }

    @Test
    void reportsEveryBadFileAtOnce() {
        MigrationException e = assertThrows(MigrationException.class, () -> ClasspathMigrations.load(
                getClass().getClassLoader(), "io/brokle/control/db/migrate/misnamed"));
        String message = e.getMessage();
        assertTrue(message.contains("README.txt: not a migration file name"), message);
        assertTrue(message.contains("V0003__Bad-Name.up.sql: not a migration file name"), message);
        assertTrue(message.contains("V0002__no_down.up.sql: no matching .down.sql file"), message);
        assertTrue(message.contains("V0004__one.up.sql and V0004__two.down.sql: one version, two names"), message);
        assertTrue(message.contains("version 0001 already has V0001__again.up.sql")
                || message.contains("V0001__fine.up.sql: version 0001 already has"), message);
    }

    @Test
    void aMissingFolderHasNoMigrations() {
        assertEquals(List.of(), ClasspathMigrations.load(getClass().getClassLoader(), "no/such/folder"));
    }

    @Test
    void readsMigrationsFromAJar(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("migrations.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // Folder entries, as Maven writes them: class loaders find folders in jars through them.
            out.putNextEntry(new JarEntry("db/"));
            out.putNextEntry(new JarEntry("db/nested/"));
            put(out, "db/V0002__second.up.sql", "create table b (id int);");
            put(out, "db/V0002__second.down.sql", "drop table b;");
            put(out, "db/V0001__first.up.sql", "create table a (id int);");
            put(out, "db/V0001__first.down.sql", "drop table a;");
            put(out, "db/nested/V0009__ignored.up.sql", "not in the folder itself");
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            List<Migration> migrations = ClasspathMigrations.load(loader, "db");
            assertEquals(List.of("0001 first", "0002 second"), migrations.stream().map(Migration::label).toList());
            assertEquals("drop table b;", migrations.get(1).downSql());
        }
    }

    private static void put(JarOutputStream jar, String name, String text) throws Exception {
        jar.putNextEntry(new JarEntry(name));
        OutputStream out = jar;
        out.write(text.getBytes(StandardCharsets.UTF_8));
        jar.closeEntry();
    }
}
