package io.brokle.config;

import java.util.Objects;

/**
 * One parsed configuration file: how the proxy listens, how keys are hashed, and the snapshot
 * it serves.
 *
 * @param server    listening settings (take effect at start only)
 * @param keyPepper the secret that keys the virtual-key hashes; {@code null} when the file leaves
 *                  it to the proxy's data directory. Never logged.
 * @param snapshot  providers, deployments, routes and keys
 */
public record GatewayConfig(ServerSettings server, String keyPepper, GatewaySnapshot snapshot) {
    public GatewayConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    @Override
    public String toString() {
        return "GatewayConfig[server=" + server + ", keyPepper=" + (keyPepper == null ? "none" : "(redacted)")
                + ", snapshot=v" + snapshot.version() + "]";
    }
}
