package io.brokle.control;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.brokle.control.allinone.AllInOne;
import io.brokle.control.allinone.EmbeddedProxy;
import io.brokle.control.api.ApiException;
import io.brokle.control.health.CacheHealthCheck;
import io.brokle.control.resources.ExtraHealthResource;
import io.brokle.control.api.StrictRequest;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.AccessTokens;
import io.brokle.control.auth.AuthConfiguration;
import io.brokle.control.auth.Authorizer;
import io.brokle.control.auth.BearerTokenFilter;
import io.brokle.control.auth.LoginThrottle;
import io.brokle.control.auth.PasswordHasher;
import io.brokle.control.auth.Secrets;
import io.brokle.control.auth.TokenAuthenticator;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.cli.DbCommand;
import io.brokle.control.credentials.CredentialCipher;
import io.brokle.control.snapshot.DatabaseVersionCheck;
import io.brokle.control.snapshot.RedisSnapshotChannel;
import io.brokle.control.snapshot.SnapshotResource;
import io.brokle.control.db.migrate.ClasspathMigrations;
import io.brokle.control.db.migrate.Migrator;
import io.brokle.control.health.MigrationsHealthCheck;
import io.brokle.control.resources.AuthResource;
import io.brokle.control.resources.HealthResource;
import io.brokle.control.resources.InvitationResource;
import io.brokle.control.resources.MemberResource;
import io.brokle.control.resources.OpenApiResource;
import io.brokle.control.resources.OrganizationResource;
import io.brokle.control.resources.ProjectResource;
import io.brokle.control.resources.errors.ApiExceptionMapper;
import io.brokle.control.resources.errors.ConstraintViolationMapper;
import io.brokle.control.resources.errors.JsonExceptionMapper;
import io.brokle.control.resources.errors.UnexpectedExceptionMapper;
import io.brokle.control.resources.errors.WebApplicationExceptionMapper;
import io.brokle.control.service.AccountService;
import io.brokle.control.service.MemberService;
import io.brokle.control.service.TenancyService;
import io.dropwizard.auth.AuthDynamicFeature;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.UnauthorizedHandler;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.lifecycle.Managed;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.net.URI;
import org.eclipse.jetty.util.component.LifeCycle;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
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
    public static final String CACHE_HEALTH_CHECK = "cache";

    private volatile ControlServices services;

    private final Clock clock;
    private final java.io.PrintStream console;
    private volatile EmbeddedProxy embeddedProxy;

    public ControlApplication() {
        this(Clock.systemUTC());
    }

    /** @param clock the time of tokens, sessions, lockouts and audit rows (tests pass a fake one) */
    public ControlApplication(Clock clock) {
        this(clock, System.out);
    }

    /** @param console where the all-in-one mode prints its banner and, once, the first start's credentials */
    public ControlApplication(Clock clock, java.io.PrintStream console) {
        this.clock = clock;
        this.console = console;
    }

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
        bootstrap.addCommand(new io.brokle.control.seed.SeedCommand());
        bootstrap.addCommand(new io.brokle.control.cli.ResetPasswordCommand());
        bootstrap.addCommand(new io.brokle.control.cli.ReencryptCredentialsCommand());
    }

    @Override
    public void run(ControlConfiguration configuration, Environment environment) {
        Jdbi jdbi = new JdbiFactory().build(environment, configuration.getDatabase(), DB_HEALTH_CHECK);
        Migrator migrator = new Migrator(jdbi, ClasspathMigrations.shipped(), Clock.systemUTC());
        if (configuration.isMigrateOnStart() || configuration.getAllInOne() != null) {
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
        ManagementServices management = registerManagementApi(configuration, environment, jdbi);
        runSnapshots(configuration, environment, jdbi);
        // Virtual keys, providers, deployments and routes under .../environments/{env}/.
        io.brokle.control.resources.ConfigurationResources.create(management.authorizer(), management.tenancy(),
                management.auditLog(), services).forEach(environment.jersey()::register);
        runAllInOneAndHealth(configuration, environment, jdbi);
    }

    /**
     * What resources registered after the management API's foundation reuse: the authorization
     * checks, the audit log, and tenant lookups (project by slug, environment by name).
     */
    public record ManagementServices(Authorizer authorizer, AuditLog auditLog, TenancyService tenancy) {
    }

    /**
     * The management API under {@code /api/v1}: bearer-token auth (dropwizard-auth), errors in the
     * OpenAI format, accounts, organizations, members, projects, environments, the audit log and
     * the OpenAPI document. Other resources reuse {@link Authorizer} and {@link AuditLog}.
     */
    private ManagementServices registerManagementApi(ControlConfiguration configuration, Environment environment,
                                                     Jdbi jdbi) {
        // JDBI's exception messages would otherwise carry bound values (hashes, emails) into logs.
        jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.SHORT_STATEMENT);
        environment.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        environment.getObjectMapper().addHandler(StrictRequest.HANDLER);
        // Errors are ours (OpenAI format), not Dropwizard's {"code":..,"message":..}.
        if (configuration.getServerFactory() instanceof AbstractServerFactory server) {
            server.setRegisterDefaultExceptionMappers(false);
        }
        environment.jersey().register(new ApiExceptionMapper());
        environment.jersey().register(new JsonExceptionMapper());
        environment.jersey().register(new ConstraintViolationMapper());
        environment.jersey().register(new WebApplicationExceptionMapper());
        environment.jersey().register(new UnexpectedExceptionMapper());

        AuthConfiguration auth = configuration.getAuth();
        SecureRandom random = new SecureRandom();
        AccessTokens tokens = new AccessTokens(tokenSecret(auth, random), auth.getAccessTokenTtl().toJavaDuration(),
                clock);
        UnauthorizedHandler unauthorized = new UnauthorizedHandler() {
            @Override
            public Response buildResponse(String prefix, String realm) {
                return ApiException.unauthorized("a valid access token is required: Authorization: Bearer <token>"
                        + " (POST /api/v1/auth/login, or /api/v1/auth/refresh when it has expired)").toResponse();
            }
        };
        environment.jersey().register(new AuthDynamicFeature(new BearerTokenFilter.Builder()
                .setAuthenticator(new TokenAuthenticator(tokens, jdbi, clock))
                .setUnauthorizedHandler(unauthorized)
                .buildAuthFilter()));
        environment.jersey().register(new AuthValueFactoryProvider.Binder<>(UserPrincipal.class));

        Secrets secrets = new Secrets(random);
        AuditLog auditLog = new AuditLog(environment.getObjectMapper(), clock);
        Authorizer authorizer = new Authorizer(jdbi);
        AccountService accounts = new AccountService(jdbi, new PasswordHasher(auth.passwordParameters(), random),
                tokens, secrets, new LoginThrottle(auth.loginPolicy(), clock), auditLog, clock,
                auth.getSessionTtl().toJavaDuration());
        TenancyService tenancy = new TenancyService(jdbi, auditLog, clock);
        MemberService members = new MemberService(jdbi, authorizer, secrets, auditLog, clock,
                auth.getInvitationTtl().toJavaDuration());
        environment.jersey().register(new AuthResource(accounts, members, auth.isSignupEnabled()));
        environment.jersey().register(new OrganizationResource(tenancy, authorizer, auditLog, jdbi, accounts));
        environment.jersey().register(new MemberResource(members, authorizer));
        environment.jersey().register(new InvitationResource(members, authorizer));
        environment.jersey().register(new ProjectResource(tenancy, authorizer));
        environment.jersey().register(new OpenApiResource());
        return new ManagementServices(authorizer, auditLog, tenancy);
    }

    private static byte[] tokenSecret(AuthConfiguration auth, SecureRandom random) {
        String configured = auth.getTokenSecret();
        if (configured == null || configured.isBlank()) {
            LOG.warn("auth.tokenSecret is not set: using a random one, so access tokens end with this process"
                    + " and work on this node only (set BROKLE_AUTH_TOKEN_SECRET)");
            byte[] secret = new byte[32];
            random.nextBytes(secret);
            return secret;
        }
        return configured.getBytes(StandardCharsets.UTF_8); // 32+ characters: checked with the configuration
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
        pepper = pepper == null && configuration.getAllInOne() != null
                ? AllInOne.keyPepper(configuration.getAllInOne()) : pepper;
        ControlServices created = ControlServices.create(jdbi, pepper, cipher, clock);
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

    /**
     * The all-in-one mode's embedded proxy (when {@code allInOne} is set) and the
     * {@code /health/cache} and {@code /health/providers} checks.
     */
    private void runAllInOneAndHealth(ControlConfiguration configuration, Environment environment, Jdbi jdbi) {
        EmbeddedProxy proxy = configuration.getAllInOne() == null ? null
                : AllInOne.register(configuration, environment, jdbi, services, clock, console);
        String redisUrl = orEnvironment(configuration.getRedisUrl(), ControlConfiguration.REDIS_URL_VARIABLE);
        CacheHealthCheck cache = redisUrl == null ? CacheHealthCheck.inProcess()
                : CacheHealthCheck.redis(URI.create(redisUrl), java.time.Duration.ofSeconds(1));
        environment.healthChecks().register(CACHE_HEALTH_CHECK, cache);
        environment.jersey().register(new ExtraHealthResource(cache, proxy));
        embeddedProxy = proxy;
    }

    /** The all-in-one mode's proxy; null in the control plane alone or before {@link #run}. */
    public EmbeddedProxy embeddedProxy() {
        return embeddedProxy;
    }

    private static String orEnvironment(String configured, String variable) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? null : value;
    }
}
