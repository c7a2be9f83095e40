package io.brokle.control.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.control.ControlApplication;
import io.brokle.control.ControlConfiguration;
import io.brokle.control.ControlServices;
import io.brokle.control.credentials.CredentialCipher;
import io.brokle.control.credentials.ProviderSpec;
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
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last step of a master-key rotation: {@code reencrypt-credentials} on an H2 file loaded by {@code seed}. */
class ReencryptCredentialsCommandTest {
    private static final byte[] OLD_KEY = key(1);
    private static final byte[] NEW_KEY = key(2);
    private static final String SECRET = "sk-rotate-me-0123456789";

    @TempDir
    Path dir;

    @Test
    void credentialsSealedUnderTheOldKeyAreSealedAgainUnderTheNewOneAndStillOpen() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("control") + ControlConfiguration.H2_SETTINGS;
        Path config = writeConfig(url, b64(OLD_KEY));
        assertTrue(run(new SeedCommand(new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC()), config, "seed")
                .isEmpty());
        Jdbi jdbi = Jdbi.create(url, "brokle", "");
        UUID environment = jdbi.withHandle(h -> h.createQuery("select id from environments order by name").mapTo(UUID.class)
                .list().getFirst());
        CredentialCipher old = CredentialCipher.of(List.of(OLD_KEY));
        UUID provider = ControlServices.create(jdbi, null, old, Clock.systemUTC()).providers().create(null, environment,
                new ProviderSpec("rotated", "openai", "https://api.example.com/v1", SECRET, null, true, null, null, null)).id();

        config = writeConfig(url, b64(NEW_KEY) + "," + b64(OLD_KEY));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Optional<Throwable> failure = run(new ReencryptCredentialsCommand(new PrintStream(out, true, StandardCharsets.UTF_8)),
                config, "reencrypt-credentials");

        assertTrue(failure.isEmpty(), () -> String.valueOf(failure.orElse(null)));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("re-encrypted 1 provider credential(s) under master key "), printed);
        assertFalse(printed.contains(SECRET), "nothing secret is printed");
        byte[] sealed = jdbi.withHandle(h -> h.createQuery("select encrypted_credential from providers where id = :id")
                .bind("id", provider).mapTo(byte[].class).one());
        assertEquals(SECRET, CredentialCipher.of(List.of(NEW_KEY)).open(sealed, provider.toString()),
                "the new key alone opens it: the old one can be dropped");
        assertThrows(RuntimeException.class, () -> old.open(sealed, provider.toString()));
    }

    private Path writeConfig(String url, String masterKeys) throws Exception {
        Path config = dir.resolve("control.yml");
        Files.writeString(config, String.format(Locale.ROOT, """
                database:
                  driverClass: org.h2.Driver
                  url: "%s"
                  user: brokle
                  password: ""
                keyPepper: reencrypt-test-pepper-0123456789
                masterKeys: "%s"
                auth:
                  passwordMemoryKib: 64
                  passwordIterations: 1
                  passwordParallelism: 1
                logging:
                  level: WARN
                """, url, masterKeys));
        return config;
    }

    private static Optional<Throwable> run(Command command, Path config, String name) {
        Bootstrap<ControlConfiguration> bootstrap = new Bootstrap<>(new ControlApplication());
        bootstrap.addCommand(command);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return new Cli(new JarLocation(ReencryptCredentialsCommandTest.class), bootstrap, quiet, quiet)
                .run(name, config.toString());
    }

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) seed);
        return key;
    }

    private static String b64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }
}
