package io.brokle.control;

import io.brokle.control.credentials.CredentialCipher;
import io.brokle.control.credentials.ProviderService;
import io.brokle.control.keys.KeyService;
import io.brokle.control.routes.RouteService;
import io.brokle.control.snapshot.EnvironmentChanges;
import io.brokle.control.snapshot.SnapshotBuilder;
import io.brokle.control.snapshot.SnapshotPublisher;
import io.brokle.proxy.http.KeyHasher;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;

/**
 * The services that change what proxies serve (keys, providers, routes) and the snapshot
 * machinery behind them, built once in {@link ControlApplication#run} and shared by the
 * resources in front of them.
 *
 * @param keyService null when no key pepper is configured ({@link #keys()} then refuses)
 * @param cipher     null when no master key is configured (providers without credentials only)
 */
public record ControlServices(Jdbi jdbi, SnapshotPublisher publisher, SnapshotBuilder builder,
                              EnvironmentChanges changes, CredentialCipher cipher, KeyService keyService,
                              ProviderService providers, RouteService routes) {

    public static ControlServices create(Jdbi jdbi, String keyPepper, CredentialCipher cipher, Clock clock) {
        SnapshotPublisher publisher = new SnapshotPublisher();
        SnapshotBuilder builder = new SnapshotBuilder(cipher);
        EnvironmentChanges changes = new EnvironmentChanges(jdbi, builder, publisher, clock);
        KeyService keys = keyPepper == null || keyPepper.isBlank() ? null
                : new KeyService(jdbi, changes, new KeyHasher(keyPepper));
        return new ControlServices(jdbi, publisher, builder, changes, cipher, keys,
                new ProviderService(jdbi, changes, cipher), new RouteService(jdbi, changes));
    }

    /**
     * @throws IllegalStateException when no key pepper is configured
     */
    public KeyService keys() {
        if (keyService == null) {
            throw new IllegalStateException("no key pepper is configured, so virtual keys cannot be made "
                    + "(set keyPepper or " + ControlConfiguration.KEY_PEPPER_VARIABLE + ", the same as the proxies')");
        }
        return keyService;
    }

    @Override
    public String toString() {
        return "ControlServices[keyPepper=" + (keyService == null ? "none" : "(redacted)") + ", cipher=" + cipher + "]";
    }
}
