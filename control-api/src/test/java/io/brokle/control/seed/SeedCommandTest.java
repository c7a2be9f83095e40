package io.brokle.control.seed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.GatewaySnapshot;
import io.brokle.control.ControlApplication;
import io.brokle.control.ControlConfiguration;
import io.brokle.control.snapshot.SnapshotBuilder;
import io.brokle.proxy.http.KeyHasher;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code seed [file]} through the application's command line, on an H2 file of its own. */
class SeedCommandTest {
    private static final String PEPPER = "seed-test-pepper-0123456789";

    @TempDir
    Path dir;

    private Path config;
    private String url;

    private record Run(String out, String err, Optional<Throwable> failure) {
    }

    @BeforeEach
    void writeConfiguration() throws Exception {
        url = "jdbc:h2:file:" + dir.resolve("control") + ControlConfiguration.H2_SETTINGS;
        config = dir.resolve("control.yml");
        Files.writeString(config, String.format(Locale.ROOT, """
                database:
                  driverClass: org.h2.Driver
                  url: "%s"
                  user: brokle
                  password: ""
                keyPepper: %s
                auth:
                  passwordMemoryKib: 64
                  passwordIterations: 1
                  passwordParallelism: 1
                logging:
                  level: WARN
                """, url, PEPPER));
    }

    private Run seed() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Bootstrap<ControlConfiguration> bootstrap = new Bootstrap<>(new ControlApplication());
        bootstrap.addCommand(new SeedCommand(new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        Cli cli = new Cli(new JarLocation(getClass()), bootstrap, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Optional<Throwable> failure = cli.run("seed", config.toString());
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), failure);
    }

    private <T> T query(String sql, Class<T> type) {
        return Jdbi.create(url, "brokle", "").withHandle(h -> h.createQuery(sql).mapTo(type).one());
    }

    @Test
    void loadsTwoOrganizationsWithUsersOfEveryRoleAndServableEnvironments() throws Exception {
        Run run = seed();

        assertTrue(run.failure().isEmpty(), run.err());
        assertEquals(2L, query("select count(*) from organizations", Long.class));
        assertEquals(6L, query("select count(*) from users", Long.class));
        assertEquals(5L, query("select count(*) from environments", Long.class));
        assertEquals(10L, query("select count(*) from providers where kind = 'mock'", Long.class));
        assertEquals(15L, query("select count(*) from routes", Long.class));
        assertEquals(10L, query("select count(*) from virtual_keys", Long.class));
        for (String role : List.of("owner", "admin", "developer", "viewer")) {
            assertTrue(query("select count(*) from memberships where role = '" + role + "'", Long.class) > 0, role);
        }
        // Every user's password is printed once, and it logs in (the stored hash verifies it).
        Matcher user = Pattern.compile("(?m)^  (\\S+@\\S+) +(\\S{20}) ").matcher(run.out());
        int users = 0;
        while (user.find()) {
            users++;
            String hash = query("select password_hash from users where email = '" + user.group(1) + "'", String.class);
            assertTrue(hash.startsWith("$argon2id$"), hash);
            assertTrue(!hash.contains(user.group(2)));
        }
        assertEquals(6, users, run.out());
        // Each printed key is one the database knows by its hash, in the environment it is printed under.
        Matcher key = Pattern.compile("(?m)^  (\\S+/\\S+/\\S+) +(\\S+) +(brk-\\S+)").matcher(run.out());
        KeyHasher hasher = new KeyHasher(PEPPER);
        int keys = 0;
        while (key.find()) {
            keys++;
            String[] path = key.group(1).split("/");
            String env = query("select e.name from virtual_keys k join environments e on e.id = k.environment_id "
                    + "where k.key_hash = '" + hasher.hash(key.group(3)) + "' and k.name = '" + key.group(2) + "'", String.class);
            assertEquals(path[2], env);
        }
        assertEquals(10, keys, run.out());
        // Every environment builds into a snapshot a proxy would serve, with the chat route's fallback.
        Jdbi jdbi = Jdbi.create(url, "brokle", "");
        List<UUID> environments = jdbi.withHandle(h -> h.createQuery("select id from environments").mapTo(UUID.class).list());
        for (UUID env : environments) {
            GatewaySnapshot snapshot = jdbi.withHandle(h -> new SnapshotBuilder(null).build(h, env));
            assertEquals(List.of("chat", "demo", "embed"), snapshot.servableModels().stream().sorted().toList());
            assertEquals(List.of("demo"), snapshot.route("chat").orElseThrow().fallbacks());
        }
    }

    @Test
    void aSecondRunRefusesAndChangesNothing() throws Exception {
        assertTrue(seed().failure().isEmpty());
        long audit = query("select count(*) from audit_log", Long.class);

        Run again = seed();

        assertTrue(again.failure().isPresent());
        assertTrue(again.err().contains("brokle: the development data set is already in"), again.err());
        assertTrue(again.err().contains("organization acme exists); nothing was changed"), again.err());
        assertEquals(6L, query("select count(*) from users", Long.class));
        assertEquals(audit, query("select count(*) from audit_log", Long.class));
    }

    @Test
    void withoutAKeyPepperItRefusesBeforeWriting() throws Exception {
        Files.writeString(config, Files.readString(config).replace("keyPepper: " + PEPPER + "\n", ""));
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("BROKLE_KEY_PEPPER") == null);

        Run run = seed();

        assertTrue(run.failure().isPresent());
        assertTrue(run.err().contains("brokle: seed makes virtual keys, so it needs the key pepper"), run.err());
        assertTrue(Files.notExists(dir.resolve("control.mv.db")));
    }
}
