package io.brokle.proxy.route;

import io.brokle.config.CostCalculator;
import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Provider;
import io.brokle.config.Route;
import io.brokle.config.RoutingStrategy;
import io.brokle.config.TokenUsage;
import io.brokle.config.VirtualKey;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;

/**
 * Plans where a request may go: the route for the public model name, the key's permission for
 * it, then the route's usable deployments in the order its strategy gives, followed by the
 * deployments of its fallback routes. Deployments that asked to be left alone
 * ({@code Retry-After}) are left out, and so are those whose circuit breaker is open, up to the
 * route's {@link Route#maxEjected ejection limit}: beyond it, deployments with open breakers stay
 * in the plan, marked, after the route's healthy ones. Needs no channel; the random source is
 * injected so tests can fix it.
 */
public final class RouteSelector {
    /** Why no deployment could be planned. */
    public enum Refusal {
        UNKNOWN_MODEL, MODEL_NOT_ALLOWED, NO_USABLE_DEPLOYMENT, ALL_COOLING_DOWN, ALL_BREAKERS_OPEN
    }

    /**
     * One deployment a request may try, and the route it belongs to.
     *
     * @param pastOpenBreaker its breaker is open, but the route's ejection limit keeps it in rotation:
     *                        call it without asking the breaker
     */
    public record Candidate(Deployment deployment, Provider provider, Route route, boolean pastOpenBreaker) {
        public Candidate(Deployment deployment, Provider provider, Route route) {
            this(deployment, provider, route, false);
        }
    }

    /**
     * Either candidates in the order to try them, or the refusal.
     *
     * @param waitNanos with {@link Refusal#ALL_COOLING_DOWN}: how long until one may be called
     */
    public record Plan(List<Candidate> candidates, Route route, Refusal refusal, long waitNanos) {
        public boolean ok() {
            return refusal == null;
        }
    }

    /** What {@link RoutingStrategy#LOWEST_COST} compares: a million tokens in and a million out. */
    static final TokenUsage REFERENCE_USAGE = TokenUsage.of(1_000_000, 1_000_000);

    private static final int MAX_PRICED_DEPLOYMENTS = 10_000;

    private final java.util.Map<Deployment, ReferenceCost> referenceCosts = new java.util.concurrent.ConcurrentHashMap<>();
    private final IntUnaryOperator random;
    private final DeploymentHealth health;
    private final CostCalculator costs;
    private final Supplier<LocalDate> today;

    /**
     * @param random given a bound {@code n > 0}, returns a number in {@code [0, n)}
     * @param costs  prices deployments for {@link RoutingStrategy#LOWEST_COST}
     * @param today  the date prices are looked up for
     */
    public RouteSelector(IntUnaryOperator random, DeploymentHealth health, CostCalculator costs,
                         Supplier<LocalDate> today) {
        this.random = random;
        this.health = health;
        this.costs = costs;
        this.today = today;
    }

    public Plan plan(GatewaySnapshot snapshot, VirtualKey key, String model) {
        Route route = snapshot.routes().get(model);
        if (route == null) {
            return new Plan(List.of(), null, Refusal.UNKNOWN_MODEL, 0);
        }
        // A key allowed a route may call it by any of its names.
        if (!key.allows(model) && !key.allows(route.model())) {
            return new Plan(List.of(), route, Refusal.MODEL_NOT_ALLOWED, 0);
        }
        List<Candidate> ordered = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        addRoute(snapshot, route, ordered, seen);
        for (String fallback : route.fallbacks()) {
            Route r = snapshot.routes().get(fallback);
            // A fallback is another model: the key must be allowed to use it too.
            if (r != null && (key.allows(fallback) || key.allows(r.model()))) {
                addRoute(snapshot, r, ordered, seen);
            }
        }
        if (ordered.isEmpty()) {
            return new Plan(List.of(), route, Refusal.NO_USABLE_DEPLOYMENT, 0);
        }
        List<Candidate> available = new ArrayList<>(ordered.size());
        long shortestWait = Long.MAX_VALUE;
        boolean anyCooling = false;
        int groupStart = 0;
        while (groupStart < ordered.size()) {
            Route groupRoute = ordered.get(groupStart).route();
            int groupEnd = groupStart;
            while (groupEnd < ordered.size() && ordered.get(groupEnd).route() == groupRoute) {
                groupEnd++;
            }
            List<Candidate> ejected = new ArrayList<>();
            for (Candidate c : ordered.subList(groupStart, groupEnd)) {
                long wait = health.coolingDownNanos(c.deployment().name());
                if (wait > 0) {
                    anyCooling = true;
                    shortestWait = Math.min(shortestWait, wait);
                } else if (health.breaker(c.deployment().name()).wouldAdmit()) {
                    available.add(c);
                } else {
                    ejected.add(c);
                }
            }
            int keep = ejected.size() - groupRoute.maxEjected(groupEnd - groupStart);
            for (int i = 0; i < keep; i++) {
                Candidate c = ejected.get(i);
                available.add(new Candidate(c.deployment(), c.provider(), c.route(), true));
            }
            groupStart = groupEnd;
        }
        if (available.isEmpty()) {
            return anyCooling ? new Plan(List.of(), route, Refusal.ALL_COOLING_DOWN, shortestWait)
                    : new Plan(List.of(), route, Refusal.ALL_BREAKERS_OPEN, 0);
        }
        return new Plan(List.copyOf(available), route, null, 0);
    }

    private void addRoute(GatewaySnapshot snapshot, Route route, List<Candidate> out, Set<String> seen) {
        List<Deployment> usable = new ArrayList<>(snapshot.usableDeployments(route));
        usable.removeIf(d -> seen.contains(d.name()));
        for (Deployment d : order(snapshot, route, usable)) {
            seen.add(d.name());
            out.add(new Candidate(d, snapshot.providers().get(d.provider()), route));
        }
    }

    private List<Deployment> order(GatewaySnapshot snapshot, Route route, List<Deployment> usable) {
        return switch (route.strategy()) {
            case LOWEST_COST -> sorted(usable, Comparator.comparing(d -> referenceCost(snapshot, d),
                    Comparator.nullsLast(Comparator.naturalOrder())));
            case PRIORITY -> usable;
            case WEIGHTED -> weightedOrder(usable);
            case LEAST_LATENCY -> sorted(usable, Comparator.comparingLong(d -> Math.max(0, health.latencyNanos(d.name()))));
            case LEAST_IN_FLIGHT -> sorted(usable, Comparator.comparingInt(d -> health.inFlight(d.name())));
        };
    }

    /**
     * The reference request's cost on {@code d}, or {@code null} when it has no price (sorted last,
     * never as free). Priced once per deployment and day: a deployment is an immutable value, so a
     * reload that changes its price is a new key.
     */
    private BigDecimal referenceCost(GatewaySnapshot snapshot, Deployment d) {
        LocalDate day = today.get();
        Provider provider = snapshot.providers().get(d.provider());
        ReferenceCost known = referenceCosts.get(d);
        if (known != null && known.day().equals(day) && known.provider() == provider) {
            return known.usd();
        }
        if (referenceCosts.size() > MAX_PRICED_DEPLOYMENTS) {
            referenceCosts.clear(); // deployments of old snapshots; the current ones are priced again
        }
        BigDecimal usd = costs.cost(d, provider, REFERENCE_USAGE, day).usd();
        referenceCosts.put(d, new ReferenceCost(day, provider, usd));
        return usd;
    }

    private record ReferenceCost(LocalDate day, Provider provider, BigDecimal usd) {
    }

    private static List<Deployment> sorted(List<Deployment> usable, Comparator<Deployment> by) {
        List<Deployment> out = new ArrayList<>(usable);
        out.sort(by);
        return out;
    }

    /** A weighted random order: each position is drawn by weight among the deployments not yet placed. */
    private List<Deployment> weightedOrder(List<Deployment> usable) {
        if (usable.size() <= 1) {
            return usable;
        }
        List<Deployment> left = new ArrayList<>(usable);
        List<Deployment> out = new ArrayList<>(usable.size());
        while (!left.isEmpty()) {
            int total = 0;
            for (Deployment d : left) {
                total += d.weight();
            }
            int pick = random.applyAsInt(total);
            int i = 0;
            while (pick >= left.get(i).weight()) {
                pick -= left.get(i).weight();
                i++;
            }
            out.add(left.remove(i));
        }
        return out;
    }
}
