package io.brokle.control.seed;

import io.brokle.config.MockOptions;
import io.brokle.control.ControlServices;
import io.brokle.control.api.Views.OrganizationView;
import io.brokle.control.audit.AuditChange;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.PasswordHasher;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Project;
import io.brokle.control.core.Role;
import io.brokle.control.core.User;
import io.brokle.control.credentials.ProviderSpec;
import io.brokle.control.db.MembershipDao;
import io.brokle.control.db.OrganizationDao;
import io.brokle.control.db.UserDao;
import io.brokle.control.keys.CreatedKey;
import io.brokle.control.keys.KeySpec;
import io.brokle.control.routes.DeploymentSpec;
import io.brokle.control.routes.RouteSpec;
import io.brokle.control.service.TenancyService;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes development data through the same services and audit log as the management API: users
 * (Argon2id-hashed passwords), organizations and memberships, projects, environments, mock
 * providers, deployments, routes and virtual keys. Used by the all-in-one first start and the
 * {@code seed} command.
 */
public final class DevelopmentData {
    /** The built-in mock provider as {@code config/brokle.yml} sets it up for its {@code demo} model. */
    public static final MockOptions DEMO_MOCK = new MockOptions(Duration.ofMillis(20), Duration.ofMillis(10), 12, 8,
            MockOptions.DEFAULTS.embeddingDimensions());

    private static final String PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    private final Jdbi jdbi;
    private final ControlServices services;
    private final TenancyService tenancy;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public DevelopmentData(Jdbi jdbi, ControlServices services, PasswordHasher hasher, AuditLog audit, Clock clock,
                           SecureRandom random) {
        this.jdbi = jdbi;
        this.services = services;
        this.tenancy = new TenancyService(jdbi, audit, clock);
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    /** Whether any account exists: a database without one has never been set up. */
    public boolean hasUsers() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from users").mapTo(Long.class).one()) > 0;
    }

    /** A random password of 20 letters and digits (about 117 bits), easy to copy. */
    public String newPassword() {
        return newPassword(random);
    }

    /** A random password of 20 letters and digits (about 117 bits), easy to copy. */
    public static String newPassword(SecureRandom random) {
        StringBuilder out = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            out.append(PASSWORD_ALPHABET.charAt(random.nextInt(PASSWORD_ALPHABET.length())));
        }
        return out.toString();
    }

    /** A new account, as sign-up makes it; the principal stands for it in the audit log. */
    public UserPrincipal user(String email, String password) {
        User user = User.create(email, hasher.hash(password), clock.instant());
        jdbi.useTransaction(h -> {
            h.attach(UserDao.class).insert(user);
            audit.record(h, AuditChange.by(AuditChange.Actor.SYSTEM, "user.create", "user", user.id())
                    .after(Map.of("id", user.id().toString(), "email", user.email())));
        });
        // No session: the principal only names the actor of the changes made for it.
        return new UserPrincipal(user.id(), new UUID(0, 0), user.email());
    }

    /** A new organization owned by {@code owner}. */
    public Access organization(UserPrincipal owner, String slug, String name) {
        OrganizationView view = tenancy.createOrganization(owner, slug, name);
        Organization organization = jdbi.onDemand(OrganizationDao.class).findById(view.id()).orElseThrow();
        return new Access(owner, organization, Role.OWNER);
    }

    /** Adds {@code user} to the organization with {@code role}. */
    public void member(Access organization, UserPrincipal user, Role role) {
        jdbi.useTransaction(h -> {
            h.attach(MembershipDao.class).insert(user.userId(), organization.organizationId(), role, clock.instant());
            audit.record(h, AuditChange.by(AuditChange.Actor.user(organization.caller()), "member.create", "member",
                            user.userId()).in(organization.organizationId(), null, null)
                    .after(Map.of("user_id", user.userId().toString(), "role", role.wireName())));
        });
    }

    public Project project(Access organization, String slug, String name) {
        tenancy.createProject(organization, slug, name);
        return tenancy.project(organization, slug);
    }

    public Environment environment(Access organization, Project project, String name) {
        tenancy.createEnvironment(organization, project, name);
        return tenancy.environment(project, name);
    }

    /** A provider of the built-in {@code mock} kind (no credential, no network). */
    public void mockProvider(UserPrincipal actor, UUID environment, String name, MockOptions options) {
        services.providers().create(actor.userId(), environment,
                new ProviderSpec(name, "mock", null, null, null, true, null, options, null));
    }

    public void deployment(UserPrincipal actor, UUID environment, String name, String provider, String model,
                           int weight) {
        services.routes().putDeployment(actor.userId(), environment,
                new DeploymentSpec(name, provider, model, weight, null, null));
    }

    public void route(UserPrincipal actor, UUID environment, String model, List<String> deployments, String strategy,
                      List<String> fallbacks) {
        services.routes().putRoute(actor.userId(), environment,
                new RouteSpec(model, deployments, strategy, fallbacks, null));
    }

    /** The {@code demo} model of {@code config/brokle.yml}: provider {@code mock}, deployment {@code demo-mock}. */
    public void demo(UserPrincipal actor, UUID environment) {
        mockProvider(actor, environment, "mock", DEMO_MOCK);
        deployment(actor, environment, "demo-mock", "mock", "mock-1", 1);
        route(actor, environment, "demo", List.of("demo-mock"), null, null);
    }

    /** A key; its secret is in the result only. */
    public CreatedKey key(UserPrincipal actor, UUID environment, KeySpec spec) {
        return services.keys().create(actor.userId(), environment, spec);
    }
}
