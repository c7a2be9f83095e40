package io.brokle.proxy.route;

import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Route;
import io.brokle.config.VirtualKey;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Chooses the deployment that serves a request: the route for the public model name, the
 * key's permission for it, then a weighted random pick among its usable deployments. Needs no
 * channel; the random source is injected so tests can fix it.
 */
public final class RouteSelector {
    /** Why no deployment could be chosen. */
    public enum Refusal {
        UNKNOWN_MODEL, MODEL_NOT_ALLOWED, NO_USABLE_DEPLOYMENT
    }

    /** Either a deployment or the reason there is none. */
    public record Selection(Deployment deployment, Refusal refusal) {
        public boolean ok() {
            return deployment != null;
        }
    }

    private final IntUnaryOperator random;

    /** @param random given a bound {@code n > 0}, returns a number in {@code [0, n)} */
    public RouteSelector(IntUnaryOperator random) {
        this.random = random;
    }

    public Selection select(GatewaySnapshot snapshot, VirtualKey key, String model) {
        Route route = snapshot.routes().get(model);
        if (route == null) {
            return new Selection(null, Refusal.UNKNOWN_MODEL);
        }
        if (!key.allows(model)) {
            return new Selection(null, Refusal.MODEL_NOT_ALLOWED);
        }
        List<Deployment> usable = snapshot.usableDeployments(route);
        if (usable.isEmpty()) {
            return new Selection(null, Refusal.NO_USABLE_DEPLOYMENT);
        }
        if (usable.size() == 1) {
            return new Selection(usable.get(0), null);
        }
        int total = 0;
        for (Deployment d : usable) {
            total += d.weight();
        }
        int pick = random.applyAsInt(total);
        for (Deployment d : usable) {
            pick -= d.weight();
            if (pick < 0) {
                return new Selection(d, null);
            }
        }
        return new Selection(usable.get(usable.size() - 1), null);
    }
}
