package io.brokle.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the data plane needs to answer a request, as one immutable value. A request keeps
 * the snapshot it started with; a reload swaps in a new one with a higher {@link #version()}.
 * Build one through {@link SnapshotValidator#validate}, which checks every cross-reference.
 *
 * @param version     increases with every accepted change; 0 before the first load
 * @param providers   by name
 * @param deployments by name
 * @param routes      by public model name: each route under its name and under each of its aliases
 * @param keysByHash  virtual keys by their keyed hash
 */
public record GatewaySnapshot(long version, Map<String, Provider> providers, Map<String, Deployment> deployments,
                              Map<String, Route> routes, Map<String, VirtualKey> keysByHash) {
    public GatewaySnapshot {
        if (version < 0) {
            throw new IllegalArgumentException("version: " + version + " (expected: >= 0)");
        }
        providers = Map.copyOf(providers);
        deployments = Map.copyOf(deployments);
        routes = Map.copyOf(routes);
        keysByHash = Map.copyOf(keysByHash);
    }

    public static GatewaySnapshot of(long version, List<Provider> providers, List<Deployment> deployments,
                                     List<Route> routes, List<VirtualKey> keys) {
        Map<String, Route> byName = new LinkedHashMap<>();
        for (Route r : routes) {
            for (String name : r.names()) {
                if (byName.putIfAbsent(name, r) != null) {
                    throw new IllegalArgumentException("duplicate name: " + name);
                }
            }
        }
        return new GatewaySnapshot(version, index(providers, Provider::name), index(deployments, Deployment::name),
                byName, index(keys, VirtualKey::hash));
    }

    public GatewaySnapshot withVersion(long newVersion) {
        return new GatewaySnapshot(newVersion, providers, deployments, routes, keysByHash);
    }

    /** The same snapshot plus {@code extra} keys (for example the local dev key). */
    public GatewaySnapshot withKeys(List<VirtualKey> extra) {
        Map<String, VirtualKey> keys = new LinkedHashMap<>(keysByHash);
        extra.forEach(k -> keys.put(k.hash(), k));
        return new GatewaySnapshot(version, providers, deployments, routes, keys);
    }

    public Optional<VirtualKey> keyByHash(String hash) {
        return Optional.ofNullable(keysByHash.get(hash));
    }

    public Optional<Route> route(String model) {
        return Optional.ofNullable(routes.get(model));
    }

    /**
     * The deployments of {@code route} that can take traffic now: weight above zero and an
     * enabled provider, in the route's order.
     */
    public List<Deployment> usableDeployments(Route route) {
        List<Deployment> usable = new ArrayList<>(route.deployments().size());
        for (String name : route.deployments()) {
            Deployment d = deployments.get(name);
            if (d != null && d.weight() > 0 && providers.get(d.provider()).enabled()) {
                usable.add(d);
            }
        }
        return usable;
    }

    /** Public model names (aliases included) with at least one usable deployment, sorted. */
    public List<String> servableModels() {
        return routes.entrySet().stream()
                .filter(e -> !usableDeployments(e.getValue()).isEmpty())
                .map(Map.Entry::getKey)
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    /** Each route once (the map holds a route under every one of its names). */
    public List<Route> distinctRoutes() {
        return routes.entrySet().stream().filter(e -> e.getKey().equals(e.getValue().model()))
                .map(Map.Entry::getValue).toList();
    }

    private static <T> Map<String, T> index(List<T> items, java.util.function.Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        for (T item : items) {
            if (map.putIfAbsent(name.apply(item), item) != null) {
                throw new IllegalArgumentException("duplicate name: " + name.apply(item));
            }
        }
        return map;
    }
}
