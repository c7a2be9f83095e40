package io.brokle.proxy.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.MockOptions;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.config.Route;
import io.brokle.config.UpstreamTimeouts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotHolderTest {
    private static final Provider MOCK = new Provider("mock", ProviderKind.MOCK, null, null, null, true,
            UpstreamTimeouts.DEFAULTS, MockOptions.DEFAULTS);
    private static final Deployment D = new Deployment("d", "mock", "upstream", 1);

    @Test
    void theFirstSnapshotIsServedAsVersionOneAtLeast() {
        assertEquals(1, new SnapshotHolder(snapshot(0, "alpha")).current().version());
        assertEquals(7, new SnapshotHolder(snapshot(7, "alpha")).current().version());
    }

    @Test
    void eachAppliedCandidateIsTheNextVersionWhateverItsOwnNumber() {
        SnapshotHolder holder = new SnapshotHolder(snapshot(3, "alpha"));

        GatewaySnapshot applied = holder.apply(snapshot(0, "beta"));
        holder.apply(snapshot(99, "gamma"));

        assertEquals(4, applied.version());
        assertEquals(5, holder.current().version());
        assertEquals(Set.of("gamma"), holder.current().routes().keySet());
    }

    @Test
    void aSnapshotTakenBeforeASwapIsUnchangedAfterIt() {
        SnapshotHolder holder = new SnapshotHolder(snapshot(1, "alpha"));
        GatewaySnapshot taken = holder.current();
        Map<String, Route> routesBefore = Map.copyOf(taken.routes());

        holder.apply(snapshot(0, "beta"));

        assertEquals(1, taken.version());
        assertEquals(routesBefore, taken.routes());
        assertEquals(Set.of("alpha"), taken.routes().keySet());
        assertThrows(UnsupportedOperationException.class, () -> taken.routes().put("beta", new Route("beta",
                List.of("d"))));
        assertThrows(UnsupportedOperationException.class, () -> taken.keysByHash().clear());
        assertThrows(UnsupportedOperationException.class, () -> taken.deployments().remove("d"));
    }

    @Test
    void listenersSeeTheNewSnapshotBeforeRequestsDo() {
        SnapshotHolder holder = new SnapshotHolder(snapshot(1, "alpha"));
        List<String> seen = new ArrayList<>();
        holder.onApply(next -> seen.add("listener got v" + next.version() + " while serving v"
                + holder.current().version()));

        GatewaySnapshot applied = holder.apply(snapshot(0, "beta"));

        assertEquals(List.of("listener got v2 while serving v1"), seen);
        assertSame(applied, holder.current());
    }

    private static GatewaySnapshot snapshot(long version, String model) {
        return GatewaySnapshot.of(version, List.of(MOCK), List.of(D), List.of(new Route(model, List.of("d"))),
                List.of());
    }
}
