package io.brokle.control.credentials;

import io.brokle.config.PriceTable;
import io.brokle.config.ProviderKind;
import io.brokle.config.UpstreamTimeouts;
import io.brokle.control.snapshot.ConfigJson;
import io.brokle.control.snapshot.EnvironmentChanges;
import io.brokle.control.snapshot.InvalidChangeException;
import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provider accounts of an environment, their credentials encrypted with the
 * {@link CredentialCipher} (bound to the provider's id) and never returned: views carry a
 * masked hint only. Every change runs through {@link EnvironmentChanges}.
 *
 * <p>Bad input throws {@link InvalidChangeException} naming the field, and writes nothing; an
 * unknown provider throws {@link NoSuchElementException}; storing a credential without a
 * configured master key throws {@link IllegalStateException}.
 */
public final class ProviderService {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderService.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    public static final int MAX_CREDENTIAL_LENGTH = 8192;
    private static final String COLUMNS = "id, environment_id, name, kind, base_url, credential_hint, api_version, "
            + "enabled, timeouts, mock_options, price_family, created_at, updated_at";

    private final Jdbi jdbi;
    private final EnvironmentChanges changes;
    private final CredentialCipher cipher;

    /** @param cipher null when no master key is configured: providers without credentials only */
    public ProviderService(Jdbi jdbi, EnvironmentChanges changes, CredentialCipher cipher) {
        this.jdbi = jdbi;
        this.changes = changes;
        this.cipher = cipher;
    }

    public ProviderView create(UUID actor, UUID environmentId, ProviderSpec spec) {
        ProviderKind kind = check(spec, spec.credential() != null && !spec.credential().isEmpty());
        UUID id = UUID.randomUUID();
        Instant now = now();
        changes.apply(environmentId, h -> {
            if (nameTaken(h, environmentId, spec.name(), null)) {
                throw new InvalidChangeException("name: \"" + spec.name() + "\" is taken in this environment");
            }
            h.createUpdate("insert into providers (id, environment_id, name, kind, created_at) values (:id, :env, :name, :kind, :now)")
                    .bind("id", id).bind("env", environmentId).bind("name", spec.name()).bind("kind", kind.yamlName())
                    .bind("now", time(now)).execute();
            write(h, id, spec, kind, actor, now);
            return null;
        });
        return require(id);
    }

    /** Replaces every field; a null credential keeps the stored one, an empty one removes it. */
    public ProviderView update(UUID actor, UUID providerId, ProviderSpec spec) {
        ProviderView current = require(providerId);
        boolean hasCredential = spec.credential() == null ? current.credentialHint() != null : !spec.credential().isEmpty();
        ProviderKind kind = check(spec, hasCredential);
        Instant now = now();
        changes.apply(current.environmentId(), h -> {
            if (nameTaken(h, current.environmentId(), spec.name(), providerId)) {
                throw new InvalidChangeException("name: \"" + spec.name() + "\" is taken in this environment");
            }
            h.createUpdate("update providers set name = :name, kind = :kind where id = :id")
                    .bind("name", spec.name()).bind("kind", kind.yamlName()).bind("id", providerId).execute();
            write(h, providerId, spec, kind, actor, now);
            return null;
        });
        return require(providerId);
    }

    /**
     * Deletes a provider.
     *
     * @throws InvalidChangeException when deployments still use it
     */
    public void delete(UUID actor, UUID providerId) {
        ProviderView current = require(providerId);
        changes.apply(current.environmentId(), h -> {
            List<String> users = h.createQuery("select name from deployments where provider_id = :id order by name")
                    .bind("id", providerId).mapTo(String.class).list();
            if (!users.isEmpty()) {
                throw new InvalidChangeException("provider \"" + current.name() + "\" is used by deployments "
                        + String.join(", ", users) + " (delete or move them first)");
            }
            return h.createUpdate("delete from providers where id = :id").bind("id", providerId).execute();
        });
    }

    public List<ProviderView> list(UUID environmentId) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from providers where environment_id = :env order by name")
                .bind("env", environmentId).map((rs, ctx) -> view(rs)).list());
    }

    public Optional<ProviderView> get(UUID providerId) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from providers where id = :id")
                .bind("id", providerId).map((rs, ctx) -> view(rs)).findOne());
    }

    /**
     * Re-encrypts every stored credential that is not under the current master key (after a
     * rotation put a new key first in {@value CredentialCipher#MASTER_KEYS_VARIABLE}). The
     * plaintexts do not change, so no snapshot changes either.
     *
     * @return how many credentials were re-encrypted
     */
    public int reencryptAll() {
        CredentialCipher c = requireCipher();
        return jdbi.inTransaction(h -> {
            record Row(UUID id, byte[] sealed) {
            }
            List<Row> rows = h.createQuery("select id, encrypted_credential from providers where encrypted_credential is not null")
                    .map((rs, ctx) -> new Row(rs.getObject("id", UUID.class), rs.getBytes("encrypted_credential"))).list();
            int count = 0;
            for (Row row : rows) {
                if (c.needsResealing(row.sealed())) {
                    byte[] resealed = c.seal(c.open(row.sealed(), row.id().toString()), row.id().toString());
                    h.createUpdate("update providers set encrypted_credential = :c where id = :id")
                            .bind("c", resealed).bind("id", row.id()).execute();
                    count++;
                }
            }
            LOG.info("re-encrypted {} provider credential(s) under master key {}", count, c.currentKeyId());
            return count;
        });
    }

    /** The credential masked for display: {@code sk-...abcd}; short ones show only their end. */
    public static String mask(String credential) {
        String end = credential.length() >= 12 ? credential.substring(credential.length() - 4) : "";
        String start = credential.length() >= 16 ? credential.substring(0, 3) : "";
        return start + "..." + end;
    }

    private void write(Handle h, UUID id, ProviderSpec spec, ProviderKind kind, UUID actor, Instant now) {
        h.createUpdate("update providers set base_url = :url, api_version = :version, enabled = :enabled, "
                        + "price_family = :family, timeouts = :timeouts, mock_options = :mock, updated_at = :now, "
                        + "updated_by = :by where id = :id")
                .bind("url", blankToNull(spec.baseUrl())).bind("version", blankToNull(spec.apiVersion()))
                .bind("enabled", spec.enabled()).bind("family", blankToNull(spec.priceFamily()))
                .bind("timeouts", ConfigJson.timeouts(spec.timeouts()))
                .bind("mock", kind == ProviderKind.MOCK ? ConfigJson.mock(spec.mock() == null
                        ? io.brokle.config.MockOptions.DEFAULTS : spec.mock()) : null)
                .bind("now", time(now)).bind("by", actor).bind("id", id).execute();
        if (spec.credential() != null) {
            boolean none = spec.credential().isEmpty();
            h.createUpdate("update providers set encrypted_credential = :c, credential_hint = :hint where id = :id")
                    .bind("c", none ? null : requireCipher().seal(spec.credential(), id.toString()))
                    .bind("hint", none ? null : mask(spec.credential())).bind("id", id).execute();
        }
    }

    /** The problems the YAML reader would report for the same provider, each naming its field. */
    private ProviderKind check(ProviderSpec spec, boolean hasCredential) {
        List<String> problems = new ArrayList<>();
        if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
            problems.add("name: " + quoted(spec.name()) + " (expected: 1 to 100 of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or digit)");
        }
        ProviderKind kind = spec.kind() == null ? null : ProviderKind.fromYaml(spec.kind().trim()).orElse(null);
        if (kind == null) {
            problems.add("kind: " + quoted(spec.kind()) + " (expected one of: " + ProviderKind.allYamlNames() + ")");
        }
        if (spec.credential() != null && spec.credential().length() > MAX_CREDENTIAL_LENGTH) {
            problems.add("credential: too long (expected: at most " + MAX_CREDENTIAL_LENGTH + " characters)");
        }
        if (spec.credential() != null && !spec.credential().isEmpty() && spec.credential().isBlank()) {
            problems.add("credential: blank (expected: the provider's API key, or empty for none)");
        }
        if (spec.priceFamily() != null && !spec.priceFamily().isBlank()
                && !PriceTable.shipped().families().contains(spec.priceFamily())) {
            problems.add("priceFamily: unknown price family \"" + spec.priceFamily() + "\" (known: "
                    + String.join(", ", PriceTable.shipped().families().stream().sorted().toList()) + ")");
        }
        if (kind == ProviderKind.MOCK) {
            if (spec.baseUrl() != null && !spec.baseUrl().isBlank()) {
                problems.add("baseUrl: not used by kind mock (leave it empty)");
            }
            if (hasCredential) {
                problems.add("credential: not used by kind mock (leave it empty)");
            }
            if (spec.apiVersion() != null && !spec.apiVersion().isBlank()) {
                problems.add("apiVersion: not used by kind mock (leave it empty)");
            }
        } else if (kind != null) {
            if (spec.mock() != null) {
                problems.add("mock: only for kind mock (leave it empty)");
            }
            String urlProblem = httpUrlProblem(spec.baseUrl());
            if (urlProblem != null) {
                problems.add("baseUrl: " + urlProblem);
            }
            boolean hasVersion = spec.apiVersion() != null && !spec.apiVersion().isBlank();
            if (kind == ProviderKind.AZURE && !hasVersion) {
                problems.add("apiVersion: missing (required for kind azure, e.g. 2024-10-21)");
            }
            if (kind != ProviderKind.AZURE && kind != ProviderKind.ANTHROPIC && hasVersion) {
                problems.add("apiVersion: only for kinds azure and anthropic (leave it empty)");
            }
            if (kind != ProviderKind.OPENAI && kind != ProviderKind.BEDROCK && !hasCredential) {
                problems.add("credential: missing (required for kind " + kind.yamlName() + ")");
            }
            if (kind == ProviderKind.BEDROCK) {
                // Its region and AWS key pair have no columns yet: configure Bedrock in a proxy's YAML.
                problems.add("kind: bedrock is not managed by the control plane yet (it needs a region and an AWS"
                        + " key pair); configure it in a proxy's YAML file");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidChangeException(problems);
        }
        if (hasCredential && spec.credential() != null && !spec.credential().isEmpty()) {
            requireCipher();
        }
        return kind;
    }

    private static String httpUrlProblem(String url) {
        if (url == null || url.isBlank()) {
            return "missing (expected: an http or https URL)";
        }
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                return quoted(url) + " (expected: an http or https URL with a host)";
            }
            if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
                return quoted(url) + " (expected: no user info, query or fragment; the credential goes in credential)";
            }
            return null;
        } catch (java.net.URISyntaxException e) {
            return quoted(url) + " (expected: an http or https URL)";
        }
    }

    private CredentialCipher requireCipher() {
        if (cipher == null) {
            throw new IllegalStateException("no master key is configured, so provider credentials cannot be stored "
                    + "(set " + CredentialCipher.MASTER_KEY_VARIABLE + " to 32 random bytes, base64)");
        }
        return cipher;
    }

    private static boolean nameTaken(Handle h, UUID environmentId, String name, UUID except) {
        return h.createQuery("select id from providers where environment_id = :env and name = :name")
                .bind("env", environmentId).bind("name", name).mapTo(UUID.class).findOne()
                .filter(id -> !id.equals(except)).isPresent();
    }

    private ProviderView require(UUID providerId) {
        return get(providerId).orElseThrow(() -> new NoSuchElementException("provider " + providerId + ": not found"));
    }

    private static ProviderView view(ResultSet rs) throws SQLException {
        OffsetDateTime updated = rs.getObject("updated_at", OffsetDateTime.class);
        return new ProviderView(rs.getObject("id", UUID.class), rs.getObject("environment_id", UUID.class),
                rs.getString("name"), rs.getString("kind"), rs.getString("base_url"), rs.getString("credential_hint"),
                rs.getString("api_version"), rs.getBoolean("enabled"), timeoutsOrNull(rs.getString("timeouts")),
                ConfigJson.mock(rs.getString("mock_options")), rs.getString("price_family"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), updated == null ? null : updated.toInstant());
    }

    private static UpstreamTimeouts timeoutsOrNull(String json) {
        return ConfigJson.timeouts(json);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String quoted(String s) {
        return s == null ? "null" : '"' + s + '"';
    }

    private Instant now() {
        return changes.clock().instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static OffsetDateTime time(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
