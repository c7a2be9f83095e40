package io.brokle.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.ControlApplication;
import io.brokle.control.ControlConfiguration;
import io.brokle.control.auth.PasswordHasher;
import io.brokle.control.seed.SeedCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.util.JarLocation;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reset-password EMAIL [file]} on an H2 file loaded by {@code seed}. */
class ResetPasswordCommandTest {
    private static final PasswordHasher.Parameters CHEAP = new PasswordHasher.Parameters(64, 1, 1);

    @TempDir
    Path dir;

    private Path config;
    private Jdbi jdbi;

    private record Run(String out, String err, Optional<Throwable> failure) {
    }

    @BeforeEach
    void seed() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("control") + ControlConfiguration.H2_SETTINGS;
        config = dir.resolve("control.yml");
        Files.writeString(config, String.format(Locale.ROOT, """
                database:
                  driverClass: org.h2.Driver
                  url: "%s"
                  user: brokle
                  password: ""
                keyPepper: reset-test-pepper-0123456789
                auth:
                  passwordMemoryKib: 64
                  passwordIterations: 1
                  passwordParallelism: 1
                logging:
                  level: WARN
                """, url));
        assertTrue(run(new SeedCommand(new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC()), "seed")
                .failure().isEmpty());
        jdbi = Jdbi.create(url, "brokle", "");
    }

    private Run run(Command command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(out, true, StandardCharsets.UTF_8);
        Bootstrap<ControlConfiguration> bootstrap = new Bootstrap<>(new ControlApplication());
        bootstrap.addCommand(command instanceof ResetPasswordCommand ? new ResetPasswordCommand(printed, Clock.systemUTC())
                : command);
        Cli cli = new Cli(new JarLocation(getClass()), bootstrap, printed, new PrintStream(err, true, StandardCharsets.UTF_8));
        String[] line = new String[args.length + 1];
        System.arraycopy(args, 0, line, 0, args.length);
        line[args.length] = config.toString();
        Optional<Throwable> failure = cli.run(line);
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), failure);
    }

    private String hash(String email) {
        return jdbi.withHandle(h -> h.createQuery("select password_hash from users where email = :e").bind("e", email)
                .mapTo(String.class).one());
    }

    @Test
    void printsANewPasswordOnceThatVerifiesAndEndsTheAccountsSessions() {
        String before = hash("ada@acme.test");
        UUID ada = jdbi.withHandle(h -> h.createQuery("select id from users where email = 'ada@acme.test'")
                .mapTo(UUID.class).one());
        jdbi.useHandle(h -> h.createUpdate("insert into sessions (id, user_id, secret_hash, created_at, expires_at) "
                        + "values (:id, :user, :hash, :now, :later)")
                .bind("id", UUID.randomUUID()).bind("user", ada).bind("hash", "a".repeat(64))
                .bind("now", Instant.now()).bind("later", Instant.now().plusSeconds(3600)).execute());

        Run run = run(new ResetPasswordCommand(), "reset-password", "Ada@ACME.test");

        assertTrue(run.failure().isEmpty(), run.err());
        Matcher m = Pattern.compile("(?m)^  (\\S{20})$").matcher(run.out());
        assertTrue(m.find(), run.out());
        String password = m.group(1);
        String after = hash("ada@acme.test");
        assertFalse(after.equals(before));
        assertFalse(after.contains(password));
        assertTrue(new PasswordHasher(CHEAP, new SecureRandom()).verify(password, after));
        assertTrue(run.out().contains("Its 1 open session(s) were ended."), run.out());
        long live = jdbi.withHandle(h -> h.createQuery("select count(*) from sessions where revoked_at is null")
                .mapTo(Long.class).one());
        assertEquals(0, live);
        long audited = jdbi.withHandle(h -> h.createQuery(
                "select count(*) from audit_log where action = 'user.password_reset'").mapTo(Long.class).one());
        assertEquals(1, audited);
    }

    @Test
    void anUnknownEmailIsRefusedAndNothingChanges() {
        String before = hash("ada@acme.test");

        Run run = run(new ResetPasswordCommand(), "reset-password", "nobody@acme.test");

        assertTrue(run.failure().isPresent());
        assertEquals("brokle: no account with the email nobody@acme.test; nothing was changed", run.err().strip());
        assertEquals(before, hash("ada@acme.test"));
    }
}
