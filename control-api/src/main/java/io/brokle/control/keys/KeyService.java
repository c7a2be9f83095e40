package io.brokle.control.keys;

import io.brokle.control.snapshot.ConfigJson;
import io.brokle.control.snapshot.EnvironmentChanges;
import io.brokle.control.snapshot.InvalidChangeException;
import io.brokle.proxy.http.KeyHasher;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Virtual keys of an environment: create (the secret returned once, stored only as the proxy's
 * keyed hash, {@link KeyHasher}, under the pepper shared with every proxy), list and get
 * (never the secret), update, revoke, and rotate with a grace period during which the old key
 * keeps working. Every change runs through {@link EnvironmentChanges}, so it is validated
 * against the environment's snapshot and reaches the proxies as a new snapshot version.
 *
 * <p>Bad input throws {@link InvalidChangeException} naming the field, and writes nothing; an
 * unknown key or environment throws {@link NoSuchElementException}; a change a key's state
 * forbids (rotating a revoked key) throws {@link IllegalStateException}. {@code actor} is the
 * user making the change, recorded as the creator of new keys.
 */
public final class KeyService {
    public static final int MAX_NAME_LENGTH = 200;
    public static final int MAX_MODELS = 1000;
    public static final int MAX_METADATA_ENTRIES = 50;
    public static final int MAX_METADATA_KEY_LENGTH = 64;
    public static final int MAX_METADATA_VALUE_LENGTH = 512;
    public static final int MAX_TAGS = 50;
    /** The longest grace period of a rotation. */
    public static final Duration MAX_GRACE = Duration.ofDays(30);
    /** The prefix shown in lists: {@code brk-} and 6 characters of the secret. */
    public static final int DISPLAY_PREFIX_LENGTH = KeyHasher.KEY_PREFIX.length() + 6;

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final String COLUMNS = "id, environment_id, name, display_prefix, allowed_models, metadata, tags, "
            + "expires_at, revoked_at, rotated_at, replaced_by, created_at, created_by";

    private final Jdbi jdbi;
    private final EnvironmentChanges changes;
    private final KeyHasher hasher;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public KeyService(Jdbi jdbi, EnvironmentChanges changes, KeyHasher hasher) {
        this.jdbi = jdbi;
        this.changes = changes;
        this.hasher = hasher;
        this.clock = changes.clock();
    }

    /** The hasher keys are stored under; an all-in-one proxy verifies keys with this same one. */
    public KeyHasher hasher() {
        return hasher;
    }

    /** Creates a key in {@code environmentId}; the result holds the secret, shown once. */
    public CreatedKey create(UUID actor, UUID environmentId, KeySpec spec) {
        Instant now = now();
        check(spec, now);
        String secret = KeyHasher.newKey(random);
        UUID id = UUID.randomUUID();
        changes.apply(environmentId, h -> {
            insert(h, id, environmentId, secret, spec, now, actor);
            return null;
        });
        return new CreatedKey(get(id).orElseThrow(), secret);
    }

    /** The keys of an environment, oldest first. */
    public List<KeyView> list(UUID environmentId) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from virtual_keys where environment_id = :env "
                + "order by created_at, id").bind("env", environmentId).map((rs, ctx) -> view(rs)).list());
    }

    public Optional<KeyView> get(UUID keyId) {
        return jdbi.withHandle(h -> find(h, keyId));
    }

    /** Replaces the key's name, models, metadata, tags and expiry. */
    public KeyView update(UUID actor, UUID keyId, KeySpec spec) {
        Instant now = now();
        check(spec, now);
        KeyView key = require(keyId);
        changes.apply(key.environmentId(), h -> h.createUpdate("update virtual_keys set name = :name, "
                        + "allowed_models = :models, metadata = :metadata, tags = :tags, expires_at = :expires, "
                        + "updated_at = :now, updated_by = :by where id = :id")
                .bind("name", spec.name().strip()).bind("models", ConfigJson.strings(spec.allowedModels()))
                .bind("metadata", ConfigJson.map(spec.metadata())).bind("tags", ConfigJson.strings(spec.tags()))
                .bind("expires", time(spec.expiresAt())).bind("now", time(now)).bind("by", actor).bind("id", keyId)
                .execute());
        return require(keyId);
    }

    /** Revokes the key at once; revoking a revoked key changes nothing. */
    public KeyView revoke(UUID actor, UUID keyId) {
        KeyView key = require(keyId);
        if (key.revokedAt() != null) {
            return key;
        }
        Instant now = now();
        changes.apply(key.environmentId(), h -> h.createUpdate("update virtual_keys set revoked_at = :now, "
                + "updated_at = :now, updated_by = :by where id = :id and revoked_at is null")
                .bind("now", time(now)).bind("by", actor).bind("id", keyId).execute());
        return require(keyId);
    }

    /**
     * Replaces the key with a new one (new id and secret, same name, models, metadata, tags and
     * expiry). The old key keeps working for {@code grace} (zero: it stops at once), never past
     * its own expiry, and then is refused as expired.
     *
     * @throws IllegalStateException when the key is revoked, expired or already rotated
     */
    public CreatedKey rotate(UUID actor, UUID keyId, Duration grace) {
        if (grace == null || grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw new InvalidChangeException("grace: " + grace + " (expected: 0 to " + MAX_GRACE.toDays() + " days)");
        }
        KeyView old = require(keyId);
        Instant now = now();
        if (old.revokedAt() != null) {
            throw new IllegalStateException("virtual key " + keyId + " is revoked (rotate a working key; create a new one instead)");
        }
        if (old.replacedBy() != null) {
            throw new IllegalStateException("virtual key " + keyId + " was already rotated (its replacement is " + old.replacedBy() + ")");
        }
        if (!old.usableAt(now)) {
            throw new IllegalStateException("virtual key " + keyId + " has expired (create a new one instead)");
        }
        Instant graceEnd = now.plus(grace);
        Instant oldEnd = old.expiresAt() != null && old.expiresAt().isBefore(graceEnd) ? old.expiresAt() : graceEnd;
        String secret = KeyHasher.newKey(random);
        UUID id = UUID.randomUUID();
        KeySpec same = new KeySpec(old.name(), old.allowedModels(), old.metadata(), old.tags(), old.expiresAt());
        changes.apply(old.environmentId(), h -> {
            insert(h, id, old.environmentId(), secret, same, now, actor);
            int rotated = h.createUpdate("update virtual_keys set expires_at = :end, rotated_at = :now, replaced_by = :next, "
                            + "updated_at = :now, updated_by = :by where id = :id and replaced_by is null and revoked_at is null")
                    .bind("end", time(oldEnd)).bind("now", time(now)).bind("next", id).bind("by", actor).bind("id", keyId)
                    .execute();
            if (rotated == 0) {
                // Revoked or rotated by a concurrent change since it was read: the new key is rolled back.
                throw new IllegalStateException("virtual key " + keyId + " was revoked or rotated meanwhile");
            }
            return null;
        });
        return new CreatedKey(require(id), secret);
    }

    private void insert(Handle h, UUID id, UUID environmentId, String secret, KeySpec spec, Instant now, UUID actor) {
        h.createUpdate("insert into virtual_keys (id, environment_id, key_hash, display_prefix, name, allowed_models, "
                        + "metadata, tags, expires_at, created_at, created_by, updated_at, updated_by) values (:id, :env, "
                        + ":hash, :prefix, :name, :models, :metadata, :tags, :expires, :now, :by, :now, :by)")
                .bind("id", id).bind("env", environmentId).bind("hash", hasher.hash(secret))
                .bind("prefix", secret.substring(0, DISPLAY_PREFIX_LENGTH)).bind("name", spec.name().strip())
                .bind("models", ConfigJson.strings(spec.allowedModels())).bind("metadata", ConfigJson.map(spec.metadata()))
                .bind("tags", ConfigJson.strings(spec.tags())).bind("expires", time(spec.expiresAt()))
                .bind("now", time(now)).bind("by", actor).execute();
    }

    /** Collects every problem of {@code spec}, each naming its field. */
    private static void check(KeySpec spec, Instant now) {
        List<String> problems = new ArrayList<>();
        if (spec.name() == null || spec.name().isBlank()) {
            problems.add("name: missing (expected: 1 to " + MAX_NAME_LENGTH + " characters)");
        } else if (spec.name().strip().length() > MAX_NAME_LENGTH) {
            problems.add("name: " + spec.name().strip().length() + " characters (expected: at most " + MAX_NAME_LENGTH + ")");
        }
        if (spec.allowedModels().size() > MAX_MODELS) {
            problems.add("allowedModels: " + spec.allowedModels().size() + " models (expected: at most " + MAX_MODELS + ")");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < spec.allowedModels().size(); i++) {
            String m = spec.allowedModels().get(i);
            if (m == null || m.isBlank()) {
                problems.add("allowedModels[" + i + "]: empty (expected: a model name)");
            } else if (!seen.add(m)) {
                problems.add("allowedModels[" + i + "]: \"" + m + "\" is listed twice");
            }
        }
        if (spec.metadata().size() > MAX_METADATA_ENTRIES) {
            problems.add("metadata: " + spec.metadata().size() + " entries (expected: at most " + MAX_METADATA_ENTRIES + ")");
        }
        for (Map.Entry<String, String> e : spec.metadata().entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                problems.add("metadata: " + (e.getKey() == null ? "a null key" : "key \"" + e.getKey() + "\" has no value")
                        + " (expected: text keys and values)");
                continue;
            }
            if (e.getKey().isBlank() || e.getKey().length() > MAX_METADATA_KEY_LENGTH) {
                problems.add("metadata: key \"" + e.getKey() + "\" (expected: 1 to " + MAX_METADATA_KEY_LENGTH + " characters)");
            }
            if (e.getValue().length() > MAX_METADATA_VALUE_LENGTH) {
                problems.add("metadata." + e.getKey() + ": " + e.getValue().length() + " characters (expected: at most "
                        + MAX_METADATA_VALUE_LENGTH + ")");
            }
        }
        if (spec.tags().size() > MAX_TAGS) {
            problems.add("tags: " + spec.tags().size() + " tags (expected: at most " + MAX_TAGS + ")");
        }
        for (int i = 0; i < spec.tags().size(); i++) {
            String t = spec.tags().get(i);
            if (t == null || !TAG.matcher(t).matches()) {
                problems.add(String.format(Locale.ROOT, "tags[%d]: %s (expected: 1 to 64 of A-Z, a-z, 0-9, '.', '_', ':', '-')",
                        i, t == null ? "null" : '"' + t + '"'));
            }
        }
        if (spec.expiresAt() != null && !spec.expiresAt().isAfter(now)) {
            problems.add("expiresAt: " + spec.expiresAt() + " (expected: a time in the future)");
        }
        if (!problems.isEmpty()) {
            throw new InvalidChangeException(problems);
        }
    }

    private KeyView require(UUID keyId) {
        return get(keyId).orElseThrow(() -> new NoSuchElementException("virtual key " + keyId + ": not found"));
    }

    private static Optional<KeyView> find(Handle h, UUID keyId) {
        return h.createQuery("select " + COLUMNS + " from virtual_keys where id = :id").bind("id", keyId)
                .map((rs, ctx) -> view(rs)).findOne();
    }

    private static KeyView view(ResultSet rs) throws SQLException {
        return new KeyView(rs.getObject("id", UUID.class), rs.getObject("environment_id", UUID.class),
                rs.getString("name"), rs.getString("display_prefix"), ConfigJson.strings(rs.getString("allowed_models")),
                ConfigJson.map(rs.getString("metadata")), ConfigJson.strings(rs.getString("tags")),
                instant(rs, "expires_at"), instant(rs, "revoked_at"), instant(rs, "rotated_at"),
                rs.getObject("replaced_by", UUID.class), instant(rs, "created_at"), rs.getObject("created_by", UUID.class));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    /** Microseconds: what both databases keep. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
