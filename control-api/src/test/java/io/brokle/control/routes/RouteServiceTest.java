package io.brokle.control.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Price;
import io.brokle.config.Route;
import io.brokle.config.RoutingStrategy;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.control.credentials.ProviderSpec;
import io.brokle.control.keys.KeySpec;
import io.brokle.control.snapshot.InvalidChangeException;
import io.brokle.control.testing.BothDatabases;
import io.brokle.control.testing.ServiceFixture;
import io.brokle.control.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

class RouteServiceTest {
    private static ServiceFixture withProviders(TestDatabase db) {
        ServiceFixture f = new ServiceFixture(db);
        f.services.providers().create(f.user, f.environment, new ProviderSpec("mock", "mock", null, null, null, true, null, null, null));
        f.services.providers().create(f.user, f.environment, new ProviderSpec("openai", "openai", "https://api.openai.com/v1",
                "sk-test-credential-0000", null, true, null, null, null));
        return f;
    }

    @BothDatabases
    void deploymentsAndRoutesReachTheSnapshotWithEveryField(TestDatabase db) {
        ServiceFixture f = withProviders(db);
        RouteService routes = f.services.routes();
        Price price = Price.of(new BigDecimal("2.50"), new BigDecimal("10"));
        UpstreamTimeouts timeouts = new UpstreamTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(30));

        routes.putDeployment(f.user, f.environment, new DeploymentSpec("gpt-main", "openai", "gpt-4o", 3, price, timeouts));
        routes.putDeployment(f.user, f.environment, new DeploymentSpec("gpt-mock", "mock", "mock-1", 0, null, null));
        routes.putRoute(f.user, f.environment, new RouteSpec("cheap", List.of("gpt-mock"), null, null, null));
        routes.putRoute(f.user, f.environment, new RouteSpec("gpt", List.of("gpt-main", "gpt-mock"), "priority",
                List.of("cheap"), 5));

        GatewaySnapshot snapshot = f.snapshot();
        assertEquals(new Deployment("gpt-main", "openai", "gpt-4o", 3, price, timeouts), snapshot.deployments().get("gpt-main"));
        assertEquals(new Route("gpt", List.of("gpt-main", "gpt-mock"), RoutingStrategy.PRIORITY, List.of("cheap"), 5),
                snapshot.routes().get("gpt"));
        assertEquals(List.of("cheap", "gpt"), routes.routes(f.environment).stream().map(Route::model).toList());
        assertEquals(snapshot.deployments().get("gpt-mock"), routes.deployments(f.environment).get(1));
        assertEquals(6, f.version());

        // put replaces
        routes.putRoute(f.user, f.environment, new RouteSpec("gpt", List.of("gpt-main"), null, null, null));
        assertEquals(new Route("gpt", List.of("gpt-main")), f.snapshot().routes().get("gpt"));
    }

    @BothDatabases
    void theControlPlaneRefusesWhatAYamlFileWouldBeRefusedFor(TestDatabase db) {
        ServiceFixture f = withProviders(db);
        RouteService routes = f.services.routes();
        routes.putDeployment(f.user, f.environment, new DeploymentSpec("d", "mock", "m", null, null, null));
        long version = f.version();

        InvalidChangeException unknown = assertThrows(InvalidChangeException.class, () -> routes.putRoute(f.user, f.environment,
                new RouteSpec("gpt", List.of("d", "gpt-4o-eu"), null, List.of("nowhere"), null)));
        assertEquals(List.of("routes[0].deployments[1]: unknown deployment \"gpt-4o-eu\" (known: d)",
                "routes[0].fallbacks[0]: unknown route \"nowhere\" (known: gpt)"), unknown.problems());
        InvalidChangeException self = assertThrows(InvalidChangeException.class, () -> routes.putRoute(f.user, f.environment,
                new RouteSpec("gpt", List.of("d"), null, List.of("gpt"), null)));
        assertTrue(self.getMessage().contains("routes[0].fallbacks: \"gpt\" is the route itself"), self.getMessage());
        InvalidChangeException fields = assertThrows(InvalidChangeException.class, () -> routes.putRoute(f.user, f.environment,
                new RouteSpec("gpt", List.of(), "fastest", null, 11)));
        assertEquals(List.of("deployments: empty (expected: at least one deployment name)",
                "strategy: unknown strategy \"fastest\" (expected one of: weighted, priority, least-latency, least-in-flight, lowest-cost)",
                "maxAttempts: 11 (expected: 1..10)"), fields.problems());
        InvalidChangeException provider = assertThrows(InvalidChangeException.class, () -> routes.putDeployment(f.user,
                f.environment, new DeploymentSpec("e", "anthropic", "claude", -1, null, null)));
        assertEquals(List.of("weight: -1 (expected: 0..1000000)"), provider.problems());
        InvalidChangeException unknownProvider = assertThrows(InvalidChangeException.class, () -> routes.putDeployment(f.user,
                f.environment, new DeploymentSpec("e", "anthropic", "claude", 1, null, null)));
        assertEquals("provider: unknown provider \"anthropic\" (known: mock, openai)", unknownProvider.getMessage());

        assertEquals(version, f.version());
        assertEquals(List.of(), routes.routes(f.environment));
    }

    @BothDatabases
    void whatOthersStillUseCannotBeDeleted(TestDatabase db) {
        ServiceFixture f = withProviders(db);
        RouteService routes = f.services.routes();
        routes.putDeployment(f.user, f.environment, new DeploymentSpec("d", "mock", "m", null, null, null));
        routes.putRoute(f.user, f.environment, new RouteSpec("a", List.of("d"), null, null, null));
        routes.putRoute(f.user, f.environment, new RouteSpec("b", List.of("d"), null, List.of("a"), null));
        f.services.keys().create(f.user, f.environment, new KeySpec("k", List.of("b"), Map.of(), List.of(), null));

        InvalidChangeException deployment = assertThrows(InvalidChangeException.class,
                () -> routes.deleteDeployment(f.user, f.environment, "d"));
        assertTrue(deployment.getMessage().contains("routes[0].deployments[0]: unknown deployment \"d\""), deployment.getMessage());
        InvalidChangeException fallback = assertThrows(InvalidChangeException.class, () -> routes.deleteRoute(f.user, f.environment, "a"));
        assertTrue(fallback.getMessage().contains("routes[0].fallbacks[0]: unknown route \"a\""), fallback.getMessage());
        InvalidChangeException key = assertThrows(InvalidChangeException.class, () -> routes.deleteRoute(f.user, f.environment, "b"));
        assertTrue(key.getMessage().contains("keys[0].models[0]: unknown model \"b\""), key.getMessage());
        assertThrows(NoSuchElementException.class, () -> routes.deleteRoute(f.user, f.environment, "zzz"));
        assertEquals(2, routes.routes(f.environment).size());
    }
}
