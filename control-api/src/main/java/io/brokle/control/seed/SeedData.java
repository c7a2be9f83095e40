package io.brokle.control.seed;

import io.brokle.config.MockOptions;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Project;
import io.brokle.control.core.Role;
import io.brokle.control.keys.CreatedKey;
import io.brokle.control.keys.KeySpec;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The development data set of the {@code seed} command: two organizations ({@code acme} with
 * projects {@code chat} (dev, prod) and {@code search} (dev); {@code globex} with
 * {@code assistant} (staging, prod)), six users with every role, and in each environment two mock
 * providers ({@code mock-fast}, {@code mock-slow}), three deployments, the routes {@code demo},
 * {@code chat} (least latency over both providers, falling back to {@code demo}) and
 * {@code embed}, and virtual keys.
 */
public final class SeedData {
    public static final List<String> ORGANIZATIONS = List.of("acme", "globex");

    private static final MockOptions FAST = new MockOptions(Duration.ofMillis(5), Duration.ofMillis(5), 8, 8,
            MockOptions.DEFAULTS.embeddingDimensions());
    private static final MockOptions SLOW = new MockOptions(Duration.ofMillis(250), Duration.ofMillis(40), 16, 8,
            MockOptions.DEFAULTS.embeddingDimensions());

    /** One user as printed: email, password (shown once) and roles. */
    public record SeededUser(String email, String password, Map<String, Role> roles) {
        @Override
        public String toString() {
            return "SeededUser[" + email + ", password=(redacted), " + roles + "]";
        }
    }

    /** One key as printed: where it is, its name, its secret (shown once). */
    public record SeededKey(String environment, String name, String secret, List<String> models) {
        @Override
        public String toString() {
            return "SeededKey[" + environment + "/" + name + ", secret=(redacted)]";
        }
    }

    /** What {@link #load} made. */
    public record Result(List<SeededUser> users, List<String> environments, List<SeededKey> keys) {
    }

    private final DevelopmentData data;
    private final Jdbi jdbi;
    private final Clock clock;

    public SeedData(Jdbi jdbi, DevelopmentData data, Clock clock) {
        this.jdbi = jdbi;
        this.data = data;
        this.clock = clock;
    }

    /** The first organization of the data set that exists already, if any. */
    public Optional<String> alreadyLoaded() {
        return jdbi.withHandle(h -> h.createQuery("select slug from organizations where slug in (<slugs>) order by slug")
                .bindList("slugs", ORGANIZATIONS).mapTo(String.class).findFirst());
    }

    /** Loads the data set into a database that does not have it ({@link #alreadyLoaded()} is empty). */
    public Result load() {
        List<SeededUser> users = new ArrayList<>();
        List<String> environments = new ArrayList<>();
        List<SeededKey> keys = new ArrayList<>();

        UserPrincipal ada = user(users, "ada@acme.test", Map.of("acme", Role.OWNER, "globex", Role.VIEWER));
        UserPrincipal grace = user(users, "grace@acme.test", Map.of("acme", Role.ADMIN));
        UserPrincipal linus = user(users, "linus@acme.test", Map.of("acme", Role.DEVELOPER));
        UserPrincipal vera = user(users, "vera@acme.test", Map.of("acme", Role.VIEWER));
        UserPrincipal hopper = user(users, "hopper@globex.test", Map.of("globex", Role.OWNER));
        UserPrincipal dev = user(users, "dev@globex.test", Map.of("globex", Role.DEVELOPER, "acme", Role.VIEWER));

        Access acme = data.organization(ada, "acme", "ACME Corporation");
        data.member(acme, grace, Role.ADMIN);
        data.member(acme, linus, Role.DEVELOPER);
        data.member(acme, vera, Role.VIEWER);
        data.member(acme, dev, Role.VIEWER);
        Access globex = data.organization(hopper, "globex", "Globex");
        data.member(globex, dev, Role.DEVELOPER);
        data.member(globex, ada, Role.VIEWER);

        Project chat = data.project(acme, "chat", "Chat assistant");
        environment(acme, chat, "dev", environments, keys);
        environment(acme, chat, "prod", environments, keys);
        Project search = data.project(acme, "search", "Semantic search");
        environment(acme, search, "dev", environments, keys);
        Project assistant = data.project(globex, "assistant", "Support assistant");
        environment(globex, assistant, "staging", environments, keys);
        environment(globex, assistant, "prod", environments, keys);
        return new Result(users, environments, keys);
    }

    private UserPrincipal user(List<SeededUser> users, String email, Map<String, Role> roles) {
        String password = data.newPassword();
        UserPrincipal user = data.user(email, password);
        users.add(new SeededUser(email, password, new LinkedHashMap<>(roles)));
        return user;
    }

    private void environment(Access org, Project project, String name, List<String> environments,
                             List<SeededKey> keys) {
        UserPrincipal owner = org.caller();
        Environment env = data.environment(org, project, name);
        String path = org.organization().slug() + "/" + project.slug() + "/" + name;
        environments.add(path);
        data.mockProvider(owner, env.id(), "mock-fast", FAST);
        data.mockProvider(owner, env.id(), "mock-slow", SLOW);
        data.deployment(owner, env.id(), "fast-chat", "mock-fast", "mock-chat-1", 3);
        data.deployment(owner, env.id(), "slow-chat", "mock-slow", "mock-chat-1", 1);
        data.deployment(owner, env.id(), "fast-embed", "mock-fast", "mock-embed-1", 1);
        data.route(owner, env.id(), "demo", List.of("fast-chat"), null, null);
        data.route(owner, env.id(), "chat", List.of("fast-chat", "slow-chat"), "least-latency", List.of("demo"));
        data.route(owner, env.id(), "embed", List.of("fast-embed"), null, null);
        keys.add(key(owner, env, path, new KeySpec("app", List.of(), Map.of("team", project.slug()),
                List.of("seed", name), null)));
        boolean production = name.equals("prod");
        keys.add(key(owner, env, path, production
                ? new KeySpec("batch-embeddings", List.of("embed"), Map.of("purpose", "indexing"), List.of("seed", "batch"),
                        null)
                : new KeySpec("laptop", List.of("demo", "chat"), Map.of(), List.of("seed", "temporary"),
                        clock.instant().plus(Duration.ofDays(30)))));
    }

    private SeededKey key(UserPrincipal owner, Environment env, String path, KeySpec spec) {
        CreatedKey created = data.key(owner, env.id(), spec);
        return new SeededKey(path, spec.name(), created.secret(), spec.allowedModels());
    }

    /** Prints what was made, secrets included (this is the only time they are shown). */
    public static void print(Result result, String database, PrintStream out) {
        out.println("Loaded the development data set into " + database + ".");
        out.println();
        out.println("Users (passwords are shown once; log in at POST /api/v1/auth/login):");
        for (SeededUser u : result.users()) {
            StringBuilder roles = new StringBuilder();
            u.roles().forEach((org, role) -> roles.append(roles.isEmpty() ? "" : ", ").append(org).append(' ')
                    .append(role.wireName()));
            out.printf("  %-20s %s   %s%n", u.email(), u.password(), roles);
        }
        out.println();
        out.println("Environments (providers mock-fast, mock-slow of kind mock; models demo, chat, embed):");
        result.environments().forEach(e -> out.println("  " + e));
        out.println();
        out.println("Virtual keys (shown once; the database keeps only their hashes):");
        for (SeededKey k : result.keys()) {
            out.printf("  %-24s %-17s %s%s%n", k.environment(), k.name(), k.secret(),
                    k.models().isEmpty() ? "" : "   (models: " + String.join(", ", k.models()) + ")");
        }
    }
}
