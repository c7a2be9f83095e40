package io.brokle.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a snapshot's parts fit together (unique names, every reference resolves) and
 * builds it. Reports every problem with its path, e.g.
 * {@code routes[2].deployments[0]: unknown deployment "gpt-4o-eu"}.
 */
public final class SnapshotValidator {
    private SnapshotValidator() {
    }

    /**
     * @throws ConfigException listing every problem found
     */
    public static GatewaySnapshot validate(long version, List<Provider> providers, List<Deployment> deployments,
                                           List<Route> routes, List<VirtualKey> keys) {
        List<String> problems = new ArrayList<>();
        Map<String, Provider> providerByName = new HashMap<>();
        for (int i = 0; i < providers.size(); i++) {
            Provider p = providers.get(i);
            if (providerByName.putIfAbsent(p.name(), p) != null) {
                problems.add("providers[" + i + "].name: duplicate provider \"" + p.name() + "\"");
            }
        }
        Map<String, Deployment> deploymentByName = new HashMap<>();
        for (int i = 0; i < deployments.size(); i++) {
            Deployment d = deployments.get(i);
            if (deploymentByName.putIfAbsent(d.name(), d) != null) {
                problems.add("deployments[" + i + "].name: duplicate deployment \"" + d.name() + "\"");
            }
            if (!providerByName.containsKey(d.provider())) {
                problems.add("deployments[" + i + "].provider: unknown provider \"" + d.provider() + "\""
                        + known(providerByName.keySet()));
            }
        }
        Set<String> models = new HashSet<>();
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (!models.add(r.model())) {
                problems.add("routes[" + i + "].model: duplicate route \"" + r.model() + "\"");
            }
            Set<String> seen = new HashSet<>();
            for (int j = 0; j < r.deployments().size(); j++) {
                String name = r.deployments().get(j);
                if (!deploymentByName.containsKey(name)) {
                    problems.add("routes[" + i + "].deployments[" + j + "]: unknown deployment \"" + name + "\""
                            + known(deploymentByName.keySet()));
                } else if (!seen.add(name)) {
                    problems.add("routes[" + i + "].deployments[" + j + "]: \"" + name + "\" is listed twice");
                }
            }
        }
        Set<String> ids = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < keys.size(); i++) {
            VirtualKey k = keys.get(i);
            if (!ids.add(k.id())) {
                problems.add("keys[" + i + "].id: duplicate key id \"" + k.id() + "\"");
            }
            if (!hashes.add(k.hash())) {
                problems.add("keys[" + i + "].hash: the same hash as an earlier key (each key needs its own secret)");
            }
            int j = 0;
            for (String model : k.allowedModels()) {
                if (!models.contains(model)) {
                    problems.add("keys[" + i + "].models[" + j + "]: unknown model \"" + model + "\""
                            + known(models));
                }
                j++;
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return GatewaySnapshot.of(version, providers, deployments, routes, keys);
    }

    private static String known(Set<String> names) {
        if (names.isEmpty()) {
            return " (none are defined)";
        }
        return " (known: " + String.join(", ", names.stream().sorted().toList()) + ")";
    }
}
