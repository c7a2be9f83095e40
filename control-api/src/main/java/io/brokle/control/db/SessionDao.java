package io.brokle.control.db;

import io.brokle.control.core.Session;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code sessions} table. */
@RegisterRowMapper(AuthMappers.SessionMapper.class)
public interface SessionDao {
    String COLUMNS = "id, user_id, secret_hash, created_at, expires_at, revoked_at";

    @SqlUpdate("insert into sessions (" + COLUMNS + ") values (:id, :userId, :secretHash, :createdAt, :expiresAt, :revokedAt)")
    void insert(@BindMethods Session session);

    @SqlQuery("select " + COLUMNS + " from sessions where id = :id")
    Optional<Session> findById(@Bind("id") UUID id);

    @SqlQuery("select " + COLUMNS + " from sessions where secret_hash = :secretHash")
    Optional<Session> findBySecretHash(@Bind("secretHash") String secretHash);

    /**
     * The email of the session's user when the session belongs to {@code userId} and is live at
     * {@code now}: the check behind every authenticated request.
     */
    @SqlQuery("select u.email from sessions s join users u on u.id = s.user_id"
            + " where s.id = :id and s.user_id = :userId and s.revoked_at is null and s.expires_at > :now")
    Optional<String> liveSessionEmail(@Bind("id") UUID id, @Bind("userId") UUID userId, @Bind("now") Instant now);

    /**
     * Replaces the refresh secret's hash if it is still {@code oldHash} and the session is live:
     * 1 when this call rotated it, 0 when another refresh (or a revocation) got there first.
     */
    @SqlUpdate("update sessions set secret_hash = :newHash where id = :id and secret_hash = :oldHash"
            + " and revoked_at is null and expires_at > :now")
    int rotateSecret(@Bind("id") UUID id, @Bind("oldHash") String oldHash, @Bind("newHash") String newHash,
                     @Bind("now") Instant now);

    /** Revokes a live session: 1 when this call revoked it, 0 when it was gone already. */
    @SqlUpdate("update sessions set revoked_at = :now where id = :id and revoked_at is null")
    int revoke(@Bind("id") UUID id, @Bind("now") Instant now);
}
