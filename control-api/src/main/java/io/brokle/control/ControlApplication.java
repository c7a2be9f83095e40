package io.brokle.control;

import io.brokle.control.cli.DbCommand;
import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.Migrator;
import io.brokle.control.health.MigrationsHealthCheck;
import io.brokle.control.resources.HealthResource;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.lifecycle.Managed;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: {@code server [control.yml]} serves the API, {@code db ...} manages the
 * schema (see {@link DbCommand}).
 *
 * <p>{@link #run} wires everything by hand: the {@link Jdbi} (with its pool and the {@code db}
 * health check) from dropwizard-jdbi3, the migrator, the {@code migrations} health check, and
 * the resources.
 */
public final class ControlApplication extends Application<ControlConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(ControlApplication.class);

    /** The name of the database health check that {@link JdbiFactory} registers. */
    public static final String DB_HEALTH_CHECK = "db";
    public static final String MIGRATIONS_HEALTH_CHECK = "migrations";

    public static void main(String[] args) throws Exception {
        new ControlApplication().run(args);
    }

    @Override
    public String getName() {
        return "brokle-control";
    }

    @Override
    public void initialize(Bootstrap<ControlConfiguration> bootstrap) {
        // ${NAME} and ${NAME:-default} in the YAML, so one file serves every deployment.
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addCommand(new DbCommand());
    }

    @Override
    public void run(ControlConfiguration configuration, Environment environment) {
        Jdbi jdbi = new JdbiFactory().build(environment, configuration.getDatabase(), DB_HEALTH_CHECK);
        Migrator migrator = new Migrator(jdbi, ClasspathMigrations.shipped(), Clock.systemUTC());
        if (configuration.isMigrateOnStart()) {
            // Managed objects start in order after the pool and before the ports open; a dirty or
            // failing schema stops the start with its reason.
            environment.lifecycle().manage(new Managed() {
                @Override
                public void start() {
                    migrator.up(Migrator.ALL, step -> LOG.info("migration {} applied in {} ms",
                            step.migration().label(), step.took().toMillis()));
                    LOG.info("schema at version {}", migrator.status().version());
                }
            });
        }
        environment.healthChecks().register(MIGRATIONS_HEALTH_CHECK, new MigrationsHealthCheck(migrator));
        environment.jersey().register(new HealthResource(environment.healthChecks(),
                DB_HEALTH_CHECK, MIGRATIONS_HEALTH_CHECK));
    }
}
