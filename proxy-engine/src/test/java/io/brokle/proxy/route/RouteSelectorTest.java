package io.brokle.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.config.Route;
import io.brokle.config.TenantPath;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.config.VirtualKey;
import io.brokle.proxy.route.RouteSelector.Refusal;
import io.brokle.proxy.route.RouteSelector.Selection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

class RouteSelectorTest {
    private static final TenantPath TENANT = new TenantPath("acme", "app", "dev");
    private static final VirtualKey ANY_MODEL = new VirtualKey("any", "hash-any", TENANT, Set.of(), null, false);
    private static final VirtualKey ONLY_MINI = new VirtualKey("mini", "hash-mini", TENANT, Set.of("mini"), null, false);
    private static final IntUnaryOperator NO_RANDOM = bound -> {
        throw new AssertionError("no random choice expected (bound " + bound + ")");
    };

    private static final GatewaySnapshot SNAPSHOT = GatewaySnapshot.of(1,
            List.of(provider("openai", true), provider("azure", true), provider("off", false)),
            List.of(new Deployment("oa-4o", "openai", "gpt-4o", 3),
                    new Deployment("az-4o", "azure", "gpt-4o-eu", 1),
                    new Deployment("oa-mini", "openai", "gpt-4o-mini", 1),
                    new Deployment("off-mini", "off", "gpt-4o-mini", 5),
                    new Deployment("parked", "openai", "gpt-4o-mini", 0),
                    new Deployment("off-only", "off", "x", 1)),
            List.of(new Route("gpt-4o", List.of("oa-4o", "az-4o")),
                    new Route("mini", List.of("parked", "off-mini", "oa-mini")),
                    new Route("disabled", List.of("off-only")),
                    new Route("all-parked", List.of("parked"))),
            List.of(ANY_MODEL, ONLY_MINI));

    @Test
    void unknownModelIsRefusedBeforeAnythingElse() {
        Selection s = new RouteSelector(NO_RANDOM).select(SNAPSHOT, ONLY_MINI, "gpt-5");

        assertFalse(s.ok());
        assertNull(s.deployment());
        assertEquals(Refusal.UNKNOWN_MODEL, s.refusal());
    }

    @Test
    void aKeyLimitedToOtherModelsIsRefused() {
        Selection s = new RouteSelector(NO_RANDOM).select(SNAPSHOT, ONLY_MINI, "gpt-4o");

        assertFalse(s.ok());
        assertEquals(Refusal.MODEL_NOT_ALLOWED, s.refusal());
    }

    @Test
    void aRouteWhoseProvidersAreDisabledHasNoUsableDeployment() {
        assertEquals(Refusal.NO_USABLE_DEPLOYMENT, new RouteSelector(NO_RANDOM).select(SNAPSHOT, ANY_MODEL, "disabled")
                .refusal());
    }

    @Test
    void aRouteWhoseDeploymentsAllHaveWeightZeroHasNoUsableDeployment() {
        assertEquals(Refusal.NO_USABLE_DEPLOYMENT, new RouteSelector(NO_RANDOM).select(SNAPSHOT, ANY_MODEL,
                "all-parked").refusal());
    }

    @Test
    void parkedAndDisabledDeploymentsAreSkippedWithoutAskingForARandomNumber() {
        Selection s = new RouteSelector(NO_RANDOM).select(SNAPSHOT, ONLY_MINI, "mini");

        assertTrue(s.ok());
        assertNull(s.refusal());
        assertEquals("oa-mini", s.deployment().name());
    }

    @Test
    void weightsThreeToOneGiveExactlyThreeToOneOverAFullCycleOfRandomValues() {
        List<Integer> bounds = new ArrayList<>();
        int[] next = {0};
        RouteSelector selector = new RouteSelector(bound -> {
            bounds.add(bound);
            return next[0]++ % bound;
        });

        Map<String, Integer> picks = new TreeMap<>();
        for (int i = 0; i < 4 * 25; i++) {
            picks.merge(selector.select(SNAPSHOT, ANY_MODEL, "gpt-4o").deployment().name(), 1, Integer::sum);
        }

        assertEquals(Map.of("oa-4o", 75, "az-4o", 25), picks);
        assertTrue(bounds.stream().allMatch(b -> b == 4), "the bound is the sum of usable weights: " + bounds);
    }

    @Test
    void eachRandomValueMapsToTheDeploymentThatOwnsItsSliceInRouteOrder() {
        List<String> chosen = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            int value = r;
            chosen.add(new RouteSelector(bound -> value).select(SNAPSHOT, ANY_MODEL, "gpt-4o").deployment().name());
        }

        assertEquals(List.of("oa-4o", "oa-4o", "oa-4o", "az-4o"), chosen);
    }

    @Test
    void theSameSeedGivesTheSameSequence() {
        List<String> first = picks(new java.util.Random(42));
        List<String> second = picks(new java.util.Random(42));

        assertEquals(first, second);
    }

    private static List<String> picks(java.util.Random random) {
        RouteSelector selector = new RouteSelector(random::nextInt);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.add(selector.select(SNAPSHOT, ANY_MODEL, "gpt-4o").deployment().name());
        }
        return out;
    }

    private static Provider provider(String name, boolean enabled) {
        return new Provider(name, ProviderKind.OPENAI, URI.create("https://" + name + ".example/v1"), "sk-" + name,
                null, enabled, UpstreamTimeouts.DEFAULTS, null);
    }
}
