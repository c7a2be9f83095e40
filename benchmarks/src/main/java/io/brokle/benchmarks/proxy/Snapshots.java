package io.brokle.benchmarks.proxy;

import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.config.Route;
import io.brokle.config.RoutingStrategy;
import io.brokle.config.TenantPath;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.config.VirtualKey;
import io.brokle.proxy.http.KeyHasher;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Gateway snapshots of a realistic size for the benchmarks: two OpenAI-format providers, a
 * route {@value #MODEL} over three priced deployments with a fallback route, and
 * {@code keys} virtual keys whose secrets are {@link #secret(int)}.
 */
final class Snapshots {
    static final String MODEL = "chat";
    static final String FALLBACK_MODEL = "chat-fallback";
    static final String PEPPER = "brokle-bench-pepper-not-a-secret";

    private Snapshots() {
    }

    static String secret(int i) {
        return KeyHasher.KEY_PREFIX + "bench-secret-" + String.format("%06d", i) + "-Zq8xW3vN1pL5tR7yB9cD2fG4hJ6kM0sA";
    }

    static GatewaySnapshot snapshot(RoutingStrategy strategy, int keys, KeyHasher hasher) {
        List<Provider> providers = List.of(
                new Provider("openai", ProviderKind.OPENAI, URI.create("https://api.openai.com/v1"), "sk-bench",
                        null, true, UpstreamTimeouts.DEFAULTS, null),
                new Provider("vllm", ProviderKind.OPENAI, URI.create("http://10.0.0.7:8000/v1"), null, null, true,
                        UpstreamTimeouts.DEFAULTS, null));
        List<Deployment> deployments = List.of(
                new Deployment("gpt-4o", "openai", "gpt-4o", 2),
                new Deployment("gpt-4o-mini", "openai", "gpt-4o-mini", 5),
                new Deployment("gpt-4.1-mini", "openai", "gpt-4.1-mini", 3),
                new Deployment("llama", "vllm", "meta-llama/Llama-3.1-8B-Instruct", 1));
        List<Route> routes = List.of(
                new Route(MODEL, List.of("gpt-4o", "gpt-4o-mini", "gpt-4.1-mini"), strategy, List.of(FALLBACK_MODEL),
                        Route.DEFAULT_MAX_ATTEMPTS),
                new Route(FALLBACK_MODEL, List.of("llama")));
        List<VirtualKey> virtualKeys = new ArrayList<>(keys);
        for (int i = 0; i < keys; i++) {
            virtualKeys.add(new VirtualKey("key-" + i, hasher.hash(secret(i)),
                    new TenantPath("org-" + (i % 17), "project-" + (i % 5), "prod"), Set.of(), null, false));
        }
        return GatewaySnapshot.of(1, providers, deployments, routes, virtualKeys);
    }
}
