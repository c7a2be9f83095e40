package io.brokle.control.seed;

import io.brokle.control.ControlConfiguration;
import io.brokle.control.ControlServices;
import io.brokle.control.allinone.AllInOne;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.PasswordHasher;
import io.brokle.control.cli.CommandException;
import io.brokle.control.credentials.CredentialCipher;
import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.Migrator;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import net.sourceforge.argparse4j.inf.Namespace;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * {@code seed [file]}: loads the development data set ({@link SeedData}) into the configured
 * database, applying pending migrations first, and prints the users' passwords and the keys
 * once. A database that has the data set already (organization {@code acme} or {@code globex})
 * is refused with a message and exit status 1, and nothing changes.
 */
public final class SeedCommand extends ConfiguredCommand<ControlConfiguration> {
    private final PrintStream out;
    private final Clock clock;

    public SeedCommand() {
        this(System.out, Clock.systemUTC());
    }

    public SeedCommand(PrintStream out, Clock clock) {
        super("seed", "load a development data set: two organizations, users with every role, projects, environments, "
                + "mock providers, routes and keys");
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected Class<ControlConfiguration> getConfigurationClass() {
        return ControlConfiguration.class;
    }

    @Override
    protected void run(Bootstrap<ControlConfiguration> bootstrap, Namespace namespace,
                       ControlConfiguration configuration) throws Exception {
        String pepper = configuration.getKeyPepper();
        if (pepper == null || pepper.isBlank()) {
            pepper = System.getenv(ControlConfiguration.KEY_PEPPER_VARIABLE);
        }
        if ((pepper == null || pepper.isBlank()) && configuration.getAllInOne() != null) {
            pepper = AllInOne.keyPepper(configuration.getAllInOne());
        }
        if (pepper == null || pepper.isBlank()) {
            throw new CommandException("seed makes virtual keys, so it needs the key pepper: set keyPepper or "
                    + ControlConfiguration.KEY_PEPPER_VARIABLE + " (the proxies' too)");
        }
        ManagedDataSource dataSource = configuration.getDatabase().build(bootstrap.getMetricRegistry(), "seed");
        try {
            Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
            // As in the server: statement errors must not carry bound values (hashes, emails).
            jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.SHORT_STATEMENT);
            new Migrator(jdbi, ClasspathMigrations.shipped(), clock).up(Migrator.ALL, step ->
                    out.println("migration " + step.migration().label() + " applied"));
            CredentialCipher cipher = configuration.getMasterKeys() == null || configuration.getMasterKeys().isBlank()
                    ? null : CredentialCipher.fromEnvironment(name -> CredentialCipher.MASTER_KEYS_VARIABLE.equals(name)
                            ? configuration.getMasterKeys() : null);
            ControlServices services = ControlServices.create(jdbi, pepper, cipher, clock);
            SecureRandom random = new SecureRandom();
            DevelopmentData data = new DevelopmentData(jdbi, services,
                    new PasswordHasher(configuration.getAuth().passwordParameters(), random),
                    new AuditLog(bootstrap.getObjectMapper(), clock), clock, random);
            SeedData seed = new SeedData(jdbi, data, clock);
            String database = configuration.getDatabase().getUrl().split("[;?]", 2)[0];
            var existing = seed.alreadyLoaded();
            if (existing.isPresent()) {
                throw new CommandException("the development data set is already in " + database + " (organization "
                        + existing.get() + " exists); nothing was changed. To load it afresh: `db drop`, then `seed`");
            }
            SeedData.print(seed.load(), database, out);
        } finally {
            dataSource.stop();
        }
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable e) {
        if (e instanceof CommandException) {
            cli.getStdErr().println("brokle: " + e.getMessage());
        } else {
            super.onError(cli, namespace, e);
        }
    }
}
