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
 * @param keyHasher null when no key pepper is configured ({@link #keys()} then refuses)
 * @param cipher    null when no master key is configured (providers without credentials only)
 */
public record ControlServices(Jdbi jdbi, SnapshotPublisher publisher, SnapshotBuilder builder,
                              EnvironmentChanges changes, KeyHasher keyHasher, CredentialCipher cipher) {

    public static ControlServices create(Jdbi jdbi, String keyPepper, CredentialCipher cipher, Clock clock) {
        SnapshotPublisher publisher = new SnapshotPublisher();
        SnapshotBuilder builder = new SnapshotBuilder(cipher);
        KeyHasher hasher = keyPepper == null || keyPepper.isBlank() ? null : new KeyHasher(keyPepper);
        return new ControlServices(jdbi, publisher, builder, new EnvironmentChanges(jdbi, builder, publisher, clock),
                hasher, cipher);
    }

    /**
     * @throws IllegalStateException when no key pepper is configured
     */
    public KeyService keys() {
        if (keyHasher == null) {
            throw new IllegalStateException("no key pepper is configured, so virtual keys cannot be made "
                    + "(set keyPepper or " + ControlConfiguration.KEY_PEPPER_VARIABLE + ", the same as the proxies')");
        }
        return new KeyService(jdbi, changes, keyHasher);
    }

    public ProviderService providers() {
        return new ProviderService(jdbi, changes, cipher);
    }

    public RouteService routes() {
        return new RouteService(jdbi, changes);
    }

    @Override
    public String toString() {
        return "ControlServices[keyPepper=" + (keyHasher == null ? "none" : "(redacted)") + ", cipher=" + cipher + "]";
    }
}
