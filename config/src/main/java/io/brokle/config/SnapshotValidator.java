package io.brokle.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Checks that a snapshot's parts fit together (unique names, every reference resolves) and
 * builds it. Reports every problem with its path, e.g.
 * {@code routes[2].deployments[0]: unknown deployment "gpt-4o-eu"}.
 */
public final class SnapshotValidator {
    private SnapshotValidator() {
    }

    /**
     * One item of a list as written: where it is (e.g. {@code routes[2]}), its name, the names it
     * refers to, and its record. The name is {@code null} when it could not be read, a reference
     * is {@code null} where it could not be read (the rest keep their positions), and the record
     * is {@code null} when the item had problems; those problems are reported elsewhere. An item
     * without a record still lends its name, so references to it are not reported again.
     */
    record Item<T>(String path, String name, List<String> refs, T value) {
    }

    /**
     * @throws ConfigException listing every problem found
     */
    public static GatewaySnapshot validate(long version, List<Provider> providers, List<Deployment> deployments,
                                           List<Route> routes, List<VirtualKey> keys) {
        List<String> problems = new ArrayList<>();
        validateInto(items("providers", providers, Provider::name, p -> List.of()),
                items("deployments", deployments, Deployment::name, d -> List.of(d.provider())),
                items("routes", routes, Route::model, Route::deployments),
                items("keys", keys, VirtualKey::id, k -> List.copyOf(k.allowedModels())), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return GatewaySnapshot.of(version, providers, deployments, routes, keys);
    }

    /** Adds every uniqueness and cross-reference problem to {@code problems}, in list order. */
    static void validateInto(List<Item<Provider>> providers, List<Item<Deployment>> deployments,
                             List<Item<Route>> routes, List<Item<VirtualKey>> keys, List<String> problems) {
        Set<String> providerNames = new HashSet<>();
        for (Item<Provider> p : providers) {
            unique(providerNames, p, "name", "provider", problems);
        }
        Set<String> deploymentNames = new HashSet<>();
        for (Item<Deployment> d : deployments) {
            unique(deploymentNames, d, "name", "deployment", problems);
            for (String provider : d.refs()) {
                if (provider != null && !providerNames.contains(provider)) {
                    problems.add(d.path() + ".provider: unknown provider \"" + provider + "\"" + known(providerNames));
                }
            }
        }
        Set<String> models = new HashSet<>();
        for (Item<Route> r : routes) {
            unique(models, r, "model", "route", problems);
            references(r, "deployments", "deployment", deploymentNames, problems);
        }
        // Aliases after every route's own name, so an alias that takes a route's name is reported
        // at the alias, wherever the route is listed.
        for (Item<Route> r : routes) {
            if (r.value() == null) {
                continue;
            }
            List<String> aliases = r.value().aliases();
            for (int j = 0; j < aliases.size(); j++) {
                if (!models.add(aliases.get(j))) {
                    problems.add(r.path() + ".aliases[" + j + "]: \"" + aliases.get(j)
                            + "\" is already the name or an alias of a route (each public name must be unique)");
                }
            }
        }
        for (Item<Route> r : routes) {
            if (r.value() != null) {
                references(new Item<>(r.path(), r.name(), r.value().fallbacks(), r.value()), "fallbacks", "route",
                        models, problems);
                if (r.value().fallbacks().contains(r.name())) {
                    problems.add(r.path() + ".fallbacks: \"" + r.name() + "\" is the route itself (a route cannot fall back to itself)");
                }
            }
        }
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (Item<VirtualKey> k : keys) {
            unique(ids, k, "id", "key id", problems);
            if (k.value() != null && !hashes.add(k.value().hash())) {
                problems.add(k.path() + ".hash: the same hash as an earlier key (each key needs its own secret)");
            }
            references(k, "models", "model", models, problems);
        }
    }

    private static <T> List<Item<T>> items(String list, List<T> values, Function<T, String> name,
                                           Function<T, List<String>> refs) {
        List<Item<T>> items = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            T value = values.get(i);
            items.add(new Item<>(list + "[" + i + "]", name.apply(value), refs.apply(value), value));
        }
        return items;
    }

    private static void unique(Set<String> names, Item<?> item, String field, String what, List<String> problems) {
        if (item.name() != null && !names.add(item.name())) {
            problems.add(item.path() + "." + field + ": duplicate " + what + " \"" + item.name() + "\"");
        }
    }

    /** Reports each of {@code item.refs()} that is not in {@code known} or is listed twice, by its index. */
    private static void references(Item<?> item, String field, String what, Set<String> known, List<String> problems) {
        Set<String> seen = new HashSet<>();
        for (int j = 0; j < item.refs().size(); j++) {
            String name = item.refs().get(j);
            String path = item.path() + "." + field + "[" + j + "]";
            if (name == null) {
                continue;
            }
            if (!known.contains(name)) {
                problems.add(path + ": unknown " + what + " \"" + name + "\"" + known(known));
            } else if (!seen.add(name)) {
                problems.add(path + ": \"" + name + "\" is listed twice");
            }
        }
    }

    private static String known(Set<String> names) {
        if (names.isEmpty()) {
            return " (none are defined)";
        }
        return " (known: " + String.join(", ", names.stream().sorted().toList()) + ")";
    }
}
