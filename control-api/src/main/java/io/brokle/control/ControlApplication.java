package io.brokle.control;

import io.brokle.control.cli.DbCommand;
import io.brokle.control.credentials.CredentialCipher;
import io.brokle.control.snapshot.DatabaseVersionCheck;
import io.brokle.control.snapshot.RedisSnapshotChannel;
import io.brokle.control.snapshot.SnapshotResource;
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
import java.net.URI;
import org.eclipse.jetty.util.component.LifeCycle;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
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

    private volatile ControlServices services;

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
        runSnapshots(configuration, environment, jdbi);
    }

    /** The services behind keys, providers and routes; null before {@link #run}. */
    public ControlServices services() {
        return services;
    }

    /** Key, provider and route services, snapshot publishing (Redis when set) and the proxies' endpoint. */
    private void runSnapshots(ControlConfiguration configuration, Environment environment, Jdbi jdbi) {
        CredentialCipher cipher = configuration.getMasterKeys() != null && !configuration.getMasterKeys().isBlank()
                ? CredentialCipher.fromEnvironment(name -> CredentialCipher.MASTER_KEYS_VARIABLE.equals(name)
                        ? configuration.getMasterKeys() : null)
                : CredentialCipher.fromEnvironment(System::getenv);
        String pepper = orEnvironment(configuration.getKeyPepper(), ControlConfiguration.KEY_PEPPER_VARIABLE);
        ControlServices created = ControlServices.create(jdbi, pepper, cipher, Clock.systemUTC());
        String redisUrl = orEnvironment(configuration.getRedisUrl(), ControlConfiguration.REDIS_URL_VARIABLE);
        if (redisUrl != null) {
            String channel = configuration.getRedisChannel() == null || configuration.getRedisChannel().isBlank()
                    ? RedisSnapshotChannel.DEFAULT_CHANNEL : configuration.getRedisChannel();
            environment.lifecycle().manage(new Managed() {
                private RedisSnapshotChannel redis;

                @Override
                public void start() {
                    redis = new RedisSnapshotChannel(URI.create(redisUrl), channel, created.publisher());
                    created.publisher().useRedis(redis);
                }

                @Override
                public void stop() {
                    redis.close();
                }
            });
        }
        String nodeToken = orEnvironment(configuration.getNodeToken(), ControlConfiguration.NODE_TOKEN_VARIABLE);
        if (nodeToken != null) {
            if (nodeToken.length() < 16) {
                throw new IllegalArgumentException("nodeToken: too short (expected: at least 16 characters)");
            }
            ExecutorService executor = environment.lifecycle().executorService("brokle-snapshot-%d")
                    .minThreads(2).maxThreads(2).build();
            SnapshotResource resource = new SnapshotResource(jdbi, created.builder(), created.publisher(), nodeToken, executor);
            environment.jersey().register(resource);
            environment.lifecycle().addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStopping(LifeCycle event) {
                    resource.stopWaiting();
                }
            });
            environment.lifecycle().scheduledExecutorService("brokle-snapshot-check-%d").threads(1).build()
                    .scheduleWithFixedDelay(new DatabaseVersionCheck(jdbi, created.publisher()),
                            DatabaseVersionCheck.PERIOD_MILLIS, DatabaseVersionCheck.PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            LOG.info("no node token configured: /internal/v1/snapshots is off (set {})",
                    ControlConfiguration.NODE_TOKEN_VARIABLE);
        }
        services = created;
    }

    private static String orEnvironment(String configured, String variable) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? null : value;
    }
}
