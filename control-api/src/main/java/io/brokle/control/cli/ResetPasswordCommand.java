package io.brokle.control.cli;

import io.brokle.control.ControlConfiguration;
import io.brokle.control.audit.AuditChange;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.PasswordHasher;
import io.brokle.control.core.Emails;
import io.brokle.control.core.User;
import io.brokle.control.db.UserDao;
import io.brokle.control.seed.DevelopmentData;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * {@code reset-password EMAIL [file]}: gives an account a new random password, printed once,
 * and ends its sessions; for an operator with access to the database (say, the all-in-one
 * administrator who lost the password printed at the first start). An unknown email is refused
 * with exit status 1 and nothing changes.
 */
public final class ResetPasswordCommand extends ConfiguredCommand<ControlConfiguration> {
    private static final String EMAIL = "email";

    private final PrintStream out;
    private final Clock clock;

    public ResetPasswordCommand() {
        this(System.out, Clock.systemUTC());
    }

    public ResetPasswordCommand(PrintStream out, Clock clock) {
        super("reset-password", "give an account a new random password (printed once) and end its sessions");
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected Class<ControlConfiguration> getConfigurationClass() {
        return ControlConfiguration.class;
    }

    @Override
    public void configure(Subparser parser) {
        parser.addArgument(EMAIL).help("the account's email");
        super.configure(parser);
    }

    @Override
    protected void run(Bootstrap<ControlConfiguration> bootstrap, Namespace namespace,
                       ControlConfiguration configuration) throws Exception {
        String email = Emails.normalize(namespace.getString(EMAIL));
        if (email == null) {
            throw new CommandException("\"" + namespace.getString(EMAIL) + "\" is not an email address");
        }
        ManagedDataSource dataSource = configuration.getDatabase().build(bootstrap.getMetricRegistry(), "reset-password");
        try {
            Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
            jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.SHORT_STATEMENT);
            User user = jdbi.onDemand(UserDao.class).findByEmail(email).orElseThrow(() ->
                    new CommandException("no account with the email " + email + "; nothing was changed"));
            SecureRandom random = new SecureRandom();
            String password = DevelopmentData.newPassword(random);
            String hash = new PasswordHasher(configuration.getAuth().passwordParameters(), random).hash(password);
            AuditLog audit = new AuditLog(bootstrap.getObjectMapper(), clock);
            Instant now = clock.instant();
            int ended = jdbi.inTransaction(h -> {
                h.attach(UserDao.class).updatePasswordHash(user.id(), hash);
                int n = h.createUpdate("update sessions set revoked_at = :now where user_id = :id and revoked_at is null")
                        .bind("now", now).bind("id", user.id()).execute();
                audit.record(h, AuditChange.by(AuditChange.Actor.SYSTEM, "user.password_reset", "user", user.id())
                        .after(Map.of("email", user.email(), "sessions_ended", n)));
                return n;
            });
            out.println("New password for " + user.email() + " (shown once; stored only as its hash):");
            out.println("  " + password);
            out.println(ended == 0 ? "It had no open sessions." : "Its " + ended + " open session(s) were ended.");
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
