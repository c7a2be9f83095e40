package io.brokle.control.routes;

import io.brokle.config.Deployment;
import io.brokle.config.Route;
import io.brokle.config.RoutingStrategy;
import io.brokle.control.snapshot.ConfigJson;
import io.brokle.control.snapshot.EnvironmentChanges;
import io.brokle.control.snapshot.InvalidChangeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Deployments (provider, model, weight, price override, time limits) and routes (deployments,
 * strategy, fallbacks, attempts) of an environment. Each change is checked field by field with
 * the config module's records, then the environment's whole snapshot is checked by
 * {@code SnapshotValidator} inside the same transaction ({@link EnvironmentChanges}): the control
 * plane refuses exactly what a YAML file would be refused for (unknown deployment, a route
 * falling back to itself, a key allowed a model that no longer has a route, ...).
 *
 * <p>{@code put} creates or replaces by name. Bad input throws {@link InvalidChangeException}
 * naming the field (or the snapshot path), and writes nothing.
 */
public final class RouteService {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

    private final Jdbi jdbi;
    private final EnvironmentChanges changes;

    public RouteService(Jdbi jdbi, EnvironmentChanges changes) {
        this.jdbi = jdbi;
        this.changes = changes;
    }

    /** Creates or replaces the deployment {@code spec.name()}; returns it as the proxies will see it. */
    public Deployment putDeployment(UUID actor, UUID environmentId, DeploymentSpec spec) {
        Deployment d = deployment(spec);
        OffsetDateTime now = now();
        changes.apply(environmentId, h -> {
            UUID providerId = h.createQuery("select id from providers where environment_id = :env and name = :name")
                    .bind("env", environmentId).bind("name", d.provider()).mapTo(UUID.class).findOne()
                    .orElseThrow(() -> new InvalidChangeException("provider: unknown provider \"" + d.provider() + "\""
                            + known(h, "select name from providers where environment_id = :env order by name", environmentId)));
            int updated = h.createUpdate("update deployments set provider_id = :provider, model = :model, weight = :weight, "
                            + "price = :price, timeouts = :timeouts, updated_at = :now, updated_by = :by "
                            + "where environment_id = :env and name = :name")
                    .bind("provider", providerId).bind("model", d.model()).bind("weight", d.weight())
                    .bind("price", ConfigJson.price(d.price())).bind("timeouts", ConfigJson.timeouts(d.timeouts()))
                    .bind("now", now).bind("by", actor).bind("env", environmentId).bind("name", d.name()).execute();
            if (updated == 0) {
                h.createUpdate("insert into deployments (id, environment_id, name, provider_id, model, weight, price, "
                                + "timeouts, created_at, updated_at, updated_by) values (:id, :env, :name, :provider, :model, "
                                + ":weight, :price, :timeouts, :now, :now, :by)")
                        .bind("id", UUID.randomUUID()).bind("env", environmentId).bind("name", d.name())
                        .bind("provider", providerId).bind("model", d.model()).bind("weight", d.weight())
                        .bind("price", ConfigJson.price(d.price())).bind("timeouts", ConfigJson.timeouts(d.timeouts()))
                        .bind("now", now).bind("by", actor).execute();
            }
            return null;
        });
        return d;
    }

    /**
     * @throws NoSuchElementException when there is no such deployment
     * @throws InvalidChangeException when a route still uses it
     */
    public void deleteDeployment(UUID actor, UUID environmentId, String name) {
        changes.apply(environmentId, h -> {
            int deleted = h.createUpdate("delete from deployments where environment_id = :env and name = :name")
                    .bind("env", environmentId).bind("name", name).execute();
            if (deleted == 0) {
                throw new NoSuchElementException("deployment \"" + name + "\": not found");
            }
            return null;
        });
    }

    /** Creates or replaces the route {@code spec.model()}; returns it as the proxies will see it. */
    public Route putRoute(UUID actor, UUID environmentId, RouteSpec spec) {
        Route r = route(spec);
        OffsetDateTime now = now();
        changes.apply(environmentId, h -> {
            int updated = h.createUpdate("update routes set deployments = :deployments, strategy = :strategy, "
                            + "fallbacks = :fallbacks, max_attempts = :max, updated_at = :now, updated_by = :by "
                            + "where environment_id = :env and model = :model")
                    .bind("deployments", ConfigJson.strings(r.deployments())).bind("strategy", r.strategy().yamlName())
                    .bind("fallbacks", ConfigJson.strings(r.fallbacks())).bind("max", r.maxAttempts())
                    .bind("now", now).bind("by", actor).bind("env", environmentId).bind("model", r.model()).execute();
            if (updated == 0) {
                h.createUpdate("insert into routes (id, environment_id, model, deployments, strategy, fallbacks, "
                                + "max_attempts, created_at, updated_at, updated_by) values (:id, :env, :model, :deployments, "
                                + ":strategy, :fallbacks, :max, :now, :now, :by)")
                        .bind("id", UUID.randomUUID()).bind("env", environmentId).bind("model", r.model())
                        .bind("deployments", ConfigJson.strings(r.deployments())).bind("strategy", r.strategy().yamlName())
                        .bind("fallbacks", ConfigJson.strings(r.fallbacks())).bind("max", r.maxAttempts())
                        .bind("now", now).bind("by", actor).execute();
            }
            return null;
        });
        return r;
    }

    /**
     * @throws NoSuchElementException when there is no such route
     * @throws InvalidChangeException when another route falls back to it or a key is limited to it
     */
    public void deleteRoute(UUID actor, UUID environmentId, String model) {
        changes.apply(environmentId, h -> {
            int deleted = h.createUpdate("delete from routes where environment_id = :env and model = :model")
                    .bind("env", environmentId).bind("model", model).execute();
            if (deleted == 0) {
                throw new NoSuchElementException("route \"" + model + "\": not found");
            }
            return null;
        });
    }

    /** The environment's deployments, by name. */
    public List<Deployment> deployments(UUID environmentId) {
        return jdbi.withHandle(h -> h.createQuery("select d.name, p.name as provider, d.model, d.weight, d.price, d.timeouts "
                        + "from deployments d join providers p on p.id = d.provider_id where d.environment_id = :env order by d.name")
                .bind("env", environmentId)
                .map((rs, ctx) -> new Deployment(rs.getString("name"), rs.getString("provider"), rs.getString("model"),
                        rs.getInt("weight"), ConfigJson.price(rs.getString("price")), ConfigJson.timeouts(rs.getString("timeouts"))))
                .list());
    }

    /** The environment's routes, by model. */
    public List<Route> routes(UUID environmentId) {
        return jdbi.withHandle(h -> h.createQuery("select model, deployments, strategy, fallbacks, max_attempts from routes "
                        + "where environment_id = :env order by model")
                .bind("env", environmentId)
                .map((rs, ctx) -> new Route(rs.getString("model"), ConfigJson.strings(rs.getString("deployments")),
                        RoutingStrategy.fromYaml(rs.getString("strategy")).orElseThrow(),
                        ConfigJson.strings(rs.getString("fallbacks")), rs.getInt("max_attempts")))
                .list());
    }

    private static Deployment deployment(DeploymentSpec spec) {
        List<String> problems = new ArrayList<>();
        name("name", spec.name(), problems);
        name("provider", spec.provider(), problems);
        if (spec.model() == null || spec.model().isBlank() || spec.model().length() > 200) {
            problems.add("model: " + quoted(spec.model()) + " (expected: the provider's model name, 1 to 200 characters)");
        }
        int weight = spec.weight() == null ? Deployment.DEFAULT_WEIGHT : spec.weight();
        if (weight < 0 || weight > 1_000_000) {
            problems.add("weight: " + weight + " (expected: 0..1000000)");
        }
        if (spec.price() != null && spec.price().effectiveFrom() != null) {
            problems.add("price.effectiveFrom: " + spec.price().effectiveFrom() + " (expected: none; a deployment's own price applies on every day)");
        }
        if (!problems.isEmpty()) {
            throw new InvalidChangeException(problems);
        }
        return new Deployment(spec.name(), spec.provider(), spec.model().trim(), weight, spec.price(), spec.timeouts());
    }

    private static Route route(RouteSpec spec) {
        List<String> problems = new ArrayList<>();
        name("model", spec.model(), problems);
        if (spec.deployments().isEmpty()) {
            problems.add("deployments: empty (expected: at least one deployment name)");
        }
        for (int i = 0; i < spec.deployments().size(); i++) {
            name("deployments[" + i + "]", spec.deployments().get(i), problems);
        }
        for (int i = 0; i < spec.fallbacks().size(); i++) {
            name("fallbacks[" + i + "]", spec.fallbacks().get(i), problems);
        }
        RoutingStrategy strategy = spec.strategy() == null ? RoutingStrategy.WEIGHTED
                : RoutingStrategy.fromYaml(spec.strategy()).orElse(null);
        if (strategy == null) {
            problems.add("strategy: unknown strategy \"" + spec.strategy() + "\" (expected one of: "
                    + RoutingStrategy.allYamlNames() + ")");
        }
        int maxAttempts = spec.maxAttempts() == null ? Route.DEFAULT_MAX_ATTEMPTS : spec.maxAttempts();
        if (maxAttempts < 1 || maxAttempts > Route.MAX_ATTEMPTS_LIMIT) {
            problems.add("maxAttempts: " + maxAttempts + " (expected: 1.." + Route.MAX_ATTEMPTS_LIMIT + ")");
        }
        if (!problems.isEmpty()) {
            throw new InvalidChangeException(problems);
        }
        return new Route(spec.model(), spec.deployments(), strategy, spec.fallbacks(), maxAttempts);
    }

    private static void name(String field, String value, List<String> problems) {
        if (value == null || !NAME.matcher(value).matches()) {
            problems.add(field + ": " + quoted(value) + " (expected: 1 to 200 of A-Z, a-z, 0-9, '.', '_', ':', '/', '-', "
                    + "starting with a letter or digit)");
        }
    }

    private static String known(Handle h, String sql, UUID environmentId) {
        List<String> names = h.createQuery(sql).bind("env", environmentId).mapTo(String.class).list();
        return names.isEmpty() ? " (none are defined)" : " (known: " + String.join(", ", names) + ")";
    }

    private static String quoted(String s) {
        return s == null ? "null" : '"' + s + '"';
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(changes.clock().instant(), ZoneOffset.UTC);
    }
}
