package io.brokle.control.cli;

import io.brokle.control.ControlConfiguration;
import io.brokle.control.ControlServices;
import io.brokle.control.credentials.CredentialCipher;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Objects;
import net.sourceforge.argparse4j.inf.Namespace;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * {@code reencrypt-credentials [file]}: the last step of a master-key rotation. Put the new key
 * first in {@code masterKeys} (or {@code BROKLE_MASTER_KEYS}), keeping the old one after it,
 * restart, run this, then drop the old key: every stored provider credential not yet under the
 * first key is sealed again under it. Prints how many; nothing secret is printed or logged.
 */
public final class ReencryptCredentialsCommand extends ConfiguredCommand<ControlConfiguration> {
    private final PrintStream out;

    public ReencryptCredentialsCommand() {
        this(System.out);
    }

    public ReencryptCredentialsCommand(PrintStream out) {
        super("reencrypt-credentials", "seal every provider credential again under the first master key "
                + "(after adding a new one; the old keys can then be dropped)");
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    protected Class<ControlConfiguration> getConfigurationClass() {
        return ControlConfiguration.class;
    }

    @Override
    protected void run(Bootstrap<ControlConfiguration> bootstrap, Namespace namespace,
                       ControlConfiguration configuration) throws Exception {
        String configured = configuration.getMasterKeys();
        CredentialCipher cipher = configured != null && !configured.isBlank()
                ? CredentialCipher.fromEnvironment(name -> CredentialCipher.MASTER_KEYS_VARIABLE.equals(name) ? configured : null)
                : CredentialCipher.fromEnvironment(System::getenv);
        if (cipher == null) {
            throw new CommandException("no master key is configured (masterKeys, " + CredentialCipher.MASTER_KEYS_VARIABLE
                    + " or " + CredentialCipher.MASTER_KEY_VARIABLE + "): nothing was changed");
        }
        ManagedDataSource dataSource = configuration.getDatabase().build(bootstrap.getMetricRegistry(), "reencrypt");
        try {
            Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
            jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.SHORT_STATEMENT);
            int count = ControlServices.create(jdbi, null, cipher, Clock.systemUTC()).providers().reencryptAll();
            out.println("re-encrypted " + count + " provider credential(s) under master key " + cipher.currentKeyId());
        } finally {
            dataSource.stop();
        }
    }
}
