package io.brokle.control.snapshot;

import io.brokle.config.ConfigException;
import io.brokle.config.Deployment;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.config.Route;
import io.brokle.config.RoutingStrategy;
import io.brokle.config.SnapshotValidator;
import io.brokle.config.TenantPath;
import io.brokle.config.VirtualKey;
import io.brokle.control.credentials.CredentialCipher;
import io.brokle.control.credentials.CredentialException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/**
 * Reads one environment's keys, providers (credentials decrypted), deployments and routes into
 * a {@link GatewaySnapshot} checked by the config module's {@link SnapshotValidator}: what a
 * proxy serves for that environment, exactly as if it came from a YAML file.
 */
public final class SnapshotBuilder {
    private final CredentialCipher cipher;

    /** @param cipher null when no master key is configured: a stored credential then cannot be read */
    public SnapshotBuilder(CredentialCipher cipher) {
        this.cipher = cipher;
    }

    /** The tenant path of an environment (organization slug, project slug, environment name). */
    public static Optional<TenantPath> tenant(Handle h, UUID environmentId) {
        return h.createQuery("select o.slug as org, p.slug as project, e.name as env from environments e "
                        + "join projects p on p.id = e.project_id join organizations o on o.id = p.organization_id "
                        + "where e.id = :env")
                .bind("env", environmentId)
                .map((rs, ctx) -> new TenantPath(rs.getString("org"), rs.getString("project"), rs.getString("env")))
                .findOne();
    }

    /** The environment's snapshot version: 0 before its first change. */
    public static long version(Handle h, UUID environmentId) {
        return h.createQuery("select version from environment_snapshots where environment_id = :env")
                .bind("env", environmentId).mapTo(Long.class).findOne().orElse(0L);
    }

    /**
     * The environment's snapshot at its current version.
     *
     * @throws NoSuchElementException when the environment does not exist
     * @throws ConfigException        when the stored parts do not make a valid snapshot
     * @throws CredentialException    when a stored credential cannot be decrypted
     */
    public GatewaySnapshot build(Handle h, UUID environmentId) {
        TenantPath tenant = tenant(h, environmentId)
                .orElseThrow(() -> new NoSuchElementException("environment " + environmentId + ": not found"));
        long version = version(h, environmentId);
        List<VirtualKey> keys = h.createQuery("select id, key_hash, allowed_models, expires_at, revoked_at "
                        + "from virtual_keys where environment_id = :env order by created_at, id")
                .bind("env", environmentId)
                .map((rs, ctx) -> {
                    OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
                    return new VirtualKey(rs.getObject("id", UUID.class).toString(), rs.getString("key_hash"), tenant,
                            new LinkedHashSet<>(ConfigJson.strings(rs.getString("allowed_models"))),
                            expires == null ? null : expires.toInstant(),
                            rs.getObject("revoked_at", OffsetDateTime.class) != null);
                }).list();
        List<Provider> providers = h.createQuery("select id, name, kind, base_url, encrypted_credential, api_version, "
                        + "enabled, price_family, timeouts, mock_options from providers where environment_id = :env order by name")
                .bind("env", environmentId)
                .map((rs, ctx) -> {
                    String kindName = rs.getString("kind");
                    String name = rs.getString("name");
                    ProviderKind kind = ProviderKind.fromYaml(kindName).orElseThrow(() ->
                            new ConfigException("providers." + name + ".kind: unknown kind \"" + kindName + "\""));
                    String baseUrl = rs.getString("base_url");
                    var timeouts = ConfigJson.timeouts(rs.getString("timeouts"));
                    return new Provider(name, kind, baseUrl == null ? null : URI.create(baseUrl),
                            credential(rs.getBytes("encrypted_credential"), rs.getObject("id", UUID.class)),
                            rs.getString("api_version"), rs.getBoolean("enabled"),
                            timeouts == null ? io.brokle.config.UpstreamTimeouts.DEFAULTS : timeouts,
                            ConfigJson.mock(rs.getString("mock_options")), rs.getString("price_family"));
                }).list();
        List<Deployment> deployments = h.createQuery("select d.name, p.name as provider, d.model, d.weight, d.price, "
                        + "d.timeouts from deployments d join providers p on p.id = d.provider_id "
                        + "where d.environment_id = :env order by d.name")
                .bind("env", environmentId)
                .map((rs, ctx) -> new Deployment(rs.getString("name"), rs.getString("provider"), rs.getString("model"),
                        rs.getInt("weight"), ConfigJson.price(rs.getString("price")),
                        ConfigJson.timeouts(rs.getString("timeouts"))))
                .list();
        List<Route> routes = h.createQuery("select model, deployments, strategy, fallbacks, max_attempts from routes "
                        + "where environment_id = :env order by model")
                .bind("env", environmentId)
                .map((rs, ctx) -> new Route(rs.getString("model"), ConfigJson.strings(rs.getString("deployments")),
                        RoutingStrategy.fromYaml(rs.getString("strategy")).orElseThrow(),
                        ConfigJson.strings(rs.getString("fallbacks")), rs.getInt("max_attempts")))
                .list();
        return SnapshotValidator.validate(version, providers, deployments, routes, keys);
    }

    private String credential(byte[] sealed, UUID providerId) {
        if (sealed == null) {
            return null;
        }
        if (cipher == null) {
            throw new CredentialException("provider " + providerId + " has a stored credential but no master key is "
                    + "configured (set " + CredentialCipher.MASTER_KEY_VARIABLE + ")");
        }
        return cipher.open(sealed, providerId.toString());
    }
}
