package io.brokle.proxy.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.config.Route;
import io.brokle.config.RoutingStrategy;
import io.brokle.config.TenantPath;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.config.VirtualKey;
import io.brokle.proxy.route.RouteSelector.Candidate;
import io.brokle.proxy.route.RouteSelector.Plan;
import io.brokle.proxy.route.RouteSelector.Refusal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Planning which deployments a request may try, in which order: refusals, each strategy's
 * order, fallback routes, and deployments left out for {@code Retry-After} or an open breaker.
 * The random source and the health's clock are fixed.
 */
class RouteSelectorTest {
    private static final TenantPath TENANT = new TenantPath("acme", "app", "dev");
    private static final VirtualKey ANY_MODEL = new VirtualKey("any", "hash-any", TENANT, Set.of(), null, false);
    private static final VirtualKey ONLY_MINI = new VirtualKey("mini", "hash-mini", TENANT, Set.of("mini"), null, false);
    private static final IntUnaryOperator NO_RANDOM = bound -> {
        throw new AssertionError("no random choice expected (bound " + bound + ")");
    };
    private static final int THRESHOLD = 2;
    private static final Duration OPEN_FOR = Duration.ofSeconds(30);

    private static final GatewaySnapshot SNAPSHOT = GatewaySnapshot.of(1,
            List.of(provider("openai", true), provider("azure", true), provider("off", false)),
            List.of(new Deployment("oa-4o", "openai", "gpt-4o", 3),
                    new Deployment("az-4o", "azure", "gpt-4o-eu", 1),
                    new Deployment("oa-mini", "openai", "gpt-4o-mini", 1),
                    new Deployment("off-mini", "off", "gpt-4o-mini", 5),
                    new Deployment("parked", "openai", "gpt-4o-mini", 0),
                    new Deployment("off-only", "off", "x", 1),
                    new Deployment("p1", "openai", "m1", 1),
                    new Deployment("p2", "azure", "m2", 1),
                    new Deployment("p3", "openai", "m3", 1),
                    new Deployment("y1", "azure", "y-model", 1),
                    new Deployment("z1", "openai", "z-model", 1)),
            List.of(new Route("gpt-4o", List.of("oa-4o", "az-4o")),
                    new Route("mini", List.of("parked", "off-mini", "oa-mini")),
                    new Route("disabled", List.of("off-only")),
                    new Route("all-parked", List.of("parked")),
                    route("prio", RoutingStrategy.PRIORITY, List.of("p1", "p2", "p3")),
                    new Route("prio-eject-all", List.of("p1", "p2", "p3"), RoutingStrategy.PRIORITY, List.of(),
                            Route.DEFAULT_MAX_ATTEMPTS, 100),
                    new Route("prio-eject-none", List.of("p1", "p2", "p3"), RoutingStrategy.PRIORITY, List.of(),
                            Route.DEFAULT_MAX_ATTEMPTS, 0),
                    route("fast", RoutingStrategy.LEAST_LATENCY, List.of("p1", "p2", "p3")),
                    route("idle", RoutingStrategy.LEAST_IN_FLIGHT, List.of("p1", "p2", "p3")),
                    route("x", RoutingStrategy.PRIORITY, List.of("p1", "p2"), "y", "z"),
                    route("y", RoutingStrategy.PRIORITY, List.of("y1", "p2")),
                    route("z", RoutingStrategy.PRIORITY, List.of("z1")),
                    route("orphan", RoutingStrategy.PRIORITY, List.of("off-only"), "z")),
            List.of(ANY_MODEL, ONLY_MINI));

    private final AtomicLong now = new AtomicLong(42_000_000_000L);
    private final DeploymentHealth health = new DeploymentHealth(now::get, THRESHOLD, OPEN_FOR);

    // --- refusals -------------------------------------------------------------------------

    @Test
    void unknownModelIsRefusedBeforeAnythingElse() {
        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ONLY_MINI, "gpt-5");

        assertFalse(plan.ok());
        assertEquals(Refusal.UNKNOWN_MODEL, plan.refusal());
        assertNull(plan.route());
        assertTrue(plan.candidates().isEmpty());
    }

    @Test
    void aKeyLimitedToOtherModelsIsRefused() {
        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ONLY_MINI, "gpt-4o");

        assertEquals(Refusal.MODEL_NOT_ALLOWED, plan.refusal());
        assertTrue(plan.candidates().isEmpty());
    }

    @Test
    void aRouteWhoseProvidersAreDisabledHasNoUsableDeployment() {
        assertEquals(Refusal.NO_USABLE_DEPLOYMENT, selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "disabled").refusal());
    }

    @Test
    void aRouteWhoseDeploymentsAllHaveWeightZeroHasNoUsableDeployment() {
        assertEquals(Refusal.NO_USABLE_DEPLOYMENT, selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "all-parked")
                .refusal());
    }

    @Test
    void parkedAndDisabledDeploymentsAreLeftOutWithoutAskingForARandomNumber() {
        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ONLY_MINI, "mini");

        assertTrue(plan.ok());
        assertNull(plan.refusal());
        assertEquals(List.of("oa-mini"), names(plan));
    }

    // --- strategies -----------------------------------------------------------------------

    @Test
    void weightsThreeToOnePutEachFirstThreeToOneOverAFullCycleOfRandomValues() {
        List<Integer> firstBounds = new ArrayList<>();
        List<Integer> secondBounds = new ArrayList<>();
        Map<Integer, Integer> counters = new HashMap<>();
        IntUnaryOperator cycling = bound -> {
            (firstBounds.size() == secondBounds.size() ? firstBounds : secondBounds).add(bound);
            // Each bound walks through all its values in turn: a full cycle is perfectly fair.
            return counters.merge(bound, 1, Integer::sum) % bound;
        };
        RouteSelector selector = selector(cycling);

        Map<String, Integer> first = new TreeMap<>();
        for (int i = 0; i < 4 * 25; i++) {
            List<String> order = names(selector.plan(SNAPSHOT, ANY_MODEL, "gpt-4o"));
            assertEquals(Set.of("oa-4o", "az-4o"), Set.copyOf(order), "every usable deployment is in the plan");
            assertEquals(2, order.size());
            first.merge(order.getFirst(), 1, Integer::sum);
        }

        assertEquals(Map.of("oa-4o", 75, "az-4o", 25), first);
        assertTrue(firstBounds.stream().allMatch(b -> b == 4), "the first bound is the sum of weights: " + firstBounds);
        assertTrue(secondBounds.stream().allMatch(b -> b == 1 || b == 3),
                "the second draw is among the weights left: " + secondBounds);
    }

    @Test
    void eachRandomValueMapsToTheDeploymentThatOwnsItsSliceInRouteOrder() {
        List<List<String>> orders = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            int value = r;
            orders.add(names(selector(bound -> Math.min(value, bound - 1)).plan(SNAPSHOT, ANY_MODEL, "gpt-4o")));
        }

        assertEquals(List.of(List.of("oa-4o", "az-4o"), List.of("oa-4o", "az-4o"), List.of("oa-4o", "az-4o"),
                List.of("az-4o", "oa-4o")), orders);
    }

    @Test
    void theSameSeedGivesTheSameOrders() {
        assertEquals(firstPicks(new java.util.Random(42)), firstPicks(new java.util.Random(42)));
    }

    @Test
    void priorityKeepsTheRouteOrderWithoutRandomness() {
        assertEquals(List.of("p1", "p2", "p3"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio")));
    }

    @Test
    void priorityMovesToTheNextDeploymentWhenTheFirstMustWait() {
        health.coolDown("p1", Duration.ofSeconds(1));

        assertEquals(List.of("p2", "p3"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio")));
    }

    @Test
    void leastLatencyOrdersByTheAverageTimeToFirstByte() {
        health.recordLatency("p1", ms(300));
        health.recordLatency("p2", ms(100));
        health.recordLatency("p3", ms(200));

        assertEquals(List.of("p2", "p3", "p1"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "fast")));
    }

    @Test
    void leastLatencyFollowsTheAverageAsItMoves() {
        health.recordLatency("p1", ms(100));
        health.recordLatency("p2", ms(150));
        health.recordLatency("p3", ms(200));
        for (int i = 0; i < 10; i++) {
            health.recordLatency("p1", ms(1_000));
        }

        assertEquals(List.of("p2", "p3", "p1"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "fast")));
    }

    @Test
    void leastLatencyTriesAnUnmeasuredDeploymentFirstAndKeepsRouteOrderOnTies() {
        health.recordLatency("p1", ms(100));
        health.recordLatency("p3", ms(100));

        assertEquals(List.of("p2", "p1", "p3"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "fast")));
    }

    @Test
    void leastInFlightOrdersByRequestsInFlight() {
        started("p1", 3);
        started("p3", 1);

        assertEquals(List.of("p2", "p3", "p1"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "idle")));

        started("p2", 5);
        health.finished("p1");
        health.finished("p1");
        assertEquals(List.of("p1", "p3", "p2"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "idle")),
                "1 and 1 in route order, then 5");
    }

    // --- fallbacks ------------------------------------------------------------------------

    @Test
    void fallbackRoutesDeploymentsComeAfterTheRoutesOwnInFallbackOrder() {
        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "x");

        assertTrue(plan.ok());
        assertEquals(List.of("p1", "p2", "y1", "z1"), names(plan), "p2 is in both x and y: tried once, as x's");
        assertEquals("x", plan.route().model(), "the plan's route is the one asked for");
        assertEquals(List.of("x", "x", "y", "z"), plan.candidates().stream().map(c -> c.route().model()).toList(),
                "each candidate names the route it came from");
        Candidate y1 = plan.candidates().get(2);
        assertSame(SNAPSHOT.providers().get("azure"), y1.provider());
        assertSame(SNAPSHOT.deployments().get("y1"), y1.deployment());
    }

    @Test
    void aRouteWithoutUsableDeploymentsIsStillServedByItsFallbacks() {
        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "orphan");

        assertTrue(plan.ok(), () -> "refused: " + plan.refusal());
        assertEquals(List.of("z1"), names(plan));
        assertEquals("orphan", plan.route().model(), "the attempt limit is the asked route's");
    }

    @Test
    void fallbackDeploymentsAreLeftOutWhenCoolingOrBroken() {
        health.coolDown("y1", Duration.ofSeconds(3));
        openBreaker("z1");

        assertEquals(List.of("p1", "p2"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "x")));
    }

    // --- Retry-After cool-downs -----------------------------------------------------------

    @Test
    void aCoolingDeploymentIsLeftOutAndComesBackWhenItsWaitIsOver() {
        health.coolDown("oa-4o", Duration.ofSeconds(2));

        assertEquals(List.of("az-4o"), names(selector(bound -> 0).plan(SNAPSHOT, ANY_MODEL, "gpt-4o")),
                "whatever the draw, only the deployment that may be called is planned");
        assertEquals(List.of("az-4o"), names(selector(bound -> bound - 1).plan(SNAPSHOT, ANY_MODEL, "gpt-4o")));

        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(List.of("oa-4o", "az-4o"), names(selector(bound -> 0).plan(SNAPSHOT, ANY_MODEL, "gpt-4o")));
    }

    @Test
    void whenEveryDeploymentIsCoolingTheRefusalSaysHowLongUntilTheFirstMayBeCalled() {
        health.coolDown("oa-4o", Duration.ofSeconds(5));
        health.coolDown("az-4o", Duration.ofSeconds(2));
        now.addAndGet(Duration.ofMillis(400).toNanos());

        Plan plan = selector(bound -> 0).plan(SNAPSHOT, ANY_MODEL, "gpt-4o");

        assertFalse(plan.ok());
        assertEquals(Refusal.ALL_COOLING_DOWN, plan.refusal());
        assertEquals(Duration.ofMillis(1_600).toNanos(), plan.waitNanos(), "the shortest wait left");
        assertTrue(plan.candidates().isEmpty());
        assertEquals("gpt-4o", plan.route().model());
    }

    @Test
    void coolingAndBrokenTogetherAreReportedAsCoolingWithTheCoolingWait() {
        health.coolDown("p1", Duration.ofSeconds(2));
        openBreaker("p2");
        openBreaker("p3");

        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio-eject-all");

        assertEquals(Refusal.ALL_COOLING_DOWN, plan.refusal());
        assertEquals(Duration.ofSeconds(2).toNanos(), plan.waitNanos());
    }

    // --- circuit breakers -----------------------------------------------------------------

    @Test
    void aDeploymentWithAnOpenBreakerIsLeftOut() {
        openBreaker("p2");

        assertEquals(List.of("p1", "p3"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio")));
    }

    @Test
    void whenEveryBreakerIsOpenAndTheRouteMayEjectAllTheRouteIsRefused() {
        openBreaker("p1");
        openBreaker("p2");
        openBreaker("p3");

        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio-eject-all");

        assertFalse(plan.ok());
        assertEquals(Refusal.ALL_BREAKERS_OPEN, plan.refusal());
        assertEquals(0, plan.waitNanos());
        assertTrue(plan.candidates().isEmpty());
    }

    @Test
    void beyondTheEjectionLimitOpenBreakersStayInRotationBehindTheHealthyDeployments() {
        openBreaker("p1");
        openBreaker("p2");

        // 50% of 3 deployments: one may be ejected; p1, first in route order, stays in, last.
        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio");

        assertEquals(List.of("p3", "p1"), names(plan));
        assertEquals(List.of(false, true), plan.candidates().stream().map(Candidate::pastOpenBreaker).toList());
    }

    @Test
    void whenEveryBreakerIsOpenTheEjectionLimitKeepsTheRouteServed() {
        openBreaker("p1");
        openBreaker("p2");
        openBreaker("p3");

        Plan plan = selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio");

        assertTrue(plan.ok(), "only one of three may be ejected");
        assertEquals(List.of("p1", "p2"), names(plan));
        assertTrue(plan.candidates().stream().allMatch(Candidate::pastOpenBreaker));
    }

    @Test
    void oneDeploymentMayAlwaysBeEjectedEvenAtZeroPercent() {
        openBreaker("p1");

        assertEquals(List.of("p2", "p3"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio-eject-none")));

        openBreaker("p2");
        assertEquals(List.of("p3", "p1"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio-eject-none")),
                "one open breaker past the limit: p1, first in route order, stays in behind p3");
    }

    @Test
    void aBreakerWhoseCoolDownEndedIsPlannedAgainForItsProbe() {
        openBreaker("p1");
        assertEquals(List.of("p2", "p3"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio")));

        now.addAndGet(OPEN_FOR.toNanos());

        assertEquals(List.of("p1", "p2", "p3"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio")));
    }

    @Test
    void planningDoesNotTakeTheHalfOpenProbeButAProbeInFlightLeavesTheDeploymentOut() {
        openBreaker("p1");
        now.addAndGet(OPEN_FOR.toNanos());
        selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio");
        selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio");

        assertTrue(health.breaker("p1").tryAcquire(), "planning twice left the probe slot free");
        assertEquals(List.of("p2", "p3"), names(selector(NO_RANDOM).plan(SNAPSHOT, ANY_MODEL, "prio")),
                "while the probe is out, nobody else is planned onto p1");
    }

    @Test
    void lowestCostPutsTheCheapestPricedDeploymentFirstAndUnpricedOnesLast() {
        io.brokle.config.Price cheap = io.brokle.config.Price.of(new java.math.BigDecimal("0.15"), new java.math.BigDecimal("0.60"));
        io.brokle.config.Price dear = io.brokle.config.Price.of(new java.math.BigDecimal("2.50"), new java.math.BigDecimal("10"));
        GatewaySnapshot snapshot = GatewaySnapshot.of(1, List.of(provider("x", true)),
                List.of(new Deployment("dear", "x", "m1", 1, dear), new Deployment("mystery", "x", "no-price-model", 1, null),
                        new Deployment("cheap", "x", "m2", 1, cheap)),
                List.of(new Route("cost", List.of("mystery", "dear", "cheap"), io.brokle.config.RoutingStrategy.LOWEST_COST,
                        List.of(), 3)),
                List.of(ANY_MODEL));

        assertEquals(List.of("cheap", "dear", "mystery"), names(selector(NO_RANDOM).plan(snapshot, ANY_MODEL, "cost")),
                "an unknown price is never taken for the cheapest");
    }

    @Test
    void aKeyAllowedARouteMayCallItByAnyOfItsNamesButNotOtherRoutesAliases() {
        GatewaySnapshot snapshot = GatewaySnapshot.of(1, List.of(provider("openai", true)),
                List.of(new Deployment("d1", "openai", "m1", 1), new Deployment("d2", "openai", "m2", 1)),
                List.of(new Route("mini", List.of("d1"), RoutingStrategy.PRIORITY, List.of(), 3, 50, List.of("small")),
                        new Route("big", List.of("d2"), RoutingStrategy.PRIORITY, List.of(), 3, 50, List.of("large"))),
                List.of(ONLY_MINI));

        Plan byAlias = selector(NO_RANDOM).plan(snapshot, ONLY_MINI, "small");
        assertTrue(byAlias.ok());
        assertEquals("mini", byAlias.route().model());
        assertEquals(List.of("d1"), names(byAlias));
        assertEquals(Refusal.MODEL_NOT_ALLOWED, selector(NO_RANDOM).plan(snapshot, ONLY_MINI, "large").refusal());
    }

    @Test
    void lowestCostFollowsAReloadThatChangesAPriceThoughPricesAreRemembered() {
        io.brokle.config.Price cheap = io.brokle.config.Price.of(new java.math.BigDecimal("0.15"), new java.math.BigDecimal("0.60"));
        io.brokle.config.Price dear = io.brokle.config.Price.of(new java.math.BigDecimal("2.50"), new java.math.BigDecimal("10"));
        Route route = new Route("cost", List.of("a", "b"), RoutingStrategy.LOWEST_COST, List.of(), 3);
        GatewaySnapshot before = GatewaySnapshot.of(1, List.of(provider("x", true)),
                List.of(new Deployment("a", "x", "m1", 1, cheap), new Deployment("b", "x", "m2", 1, dear)),
                List.of(route), List.of(ANY_MODEL));
        GatewaySnapshot after = GatewaySnapshot.of(2, List.of(provider("x", true)),
                List.of(new Deployment("a", "x", "m1", 1, dear), new Deployment("b", "x", "m2", 1, cheap)),
                List.of(route), List.of(ANY_MODEL));
        RouteSelector selector = selector(NO_RANDOM);

        assertEquals(List.of("a", "b"), names(selector.plan(before, ANY_MODEL, "cost")));
        assertEquals(List.of("a", "b"), names(selector.plan(before, ANY_MODEL, "cost")), "the remembered price");
        assertEquals(List.of("b", "a"), names(selector.plan(after, ANY_MODEL, "cost")), "the reloaded prices");
    }

    private RouteSelector selector(IntUnaryOperator random) {
        return new RouteSelector(random, health, io.brokle.config.CostCalculator.shipped(),
                () -> java.time.LocalDate.of(2026, 11, 25));
    }

    private List<String> firstPicks(java.util.Random random) {
        RouteSelector selector = selector(random::nextInt);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            out.add(names(selector.plan(SNAPSHOT, ANY_MODEL, "gpt-4o")).getFirst());
        }
        return out;
    }

    private void openBreaker(String deployment) {
        for (int i = 0; i < THRESHOLD; i++) {
            health.breaker(deployment).onFailure();
        }
    }

    private void started(String deployment, int times) {
        for (int i = 0; i < times; i++) {
            health.started(deployment);
        }
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    private static List<String> names(Plan plan) {
        return plan.candidates().stream().map(c -> c.deployment().name()).toList();
    }

    private static Route route(String model, RoutingStrategy strategy, List<String> deployments, String... fallbacks) {
        return new Route(model, deployments, strategy, List.of(fallbacks), Route.DEFAULT_MAX_ATTEMPTS);
    }

    private static Provider provider(String name, boolean enabled) {
        return new Provider(name, ProviderKind.OPENAI, URI.create("https://" + name + ".example/v1"), "sk-" + name,
                null, enabled, UpstreamTimeouts.DEFAULTS, null);
    }
}
