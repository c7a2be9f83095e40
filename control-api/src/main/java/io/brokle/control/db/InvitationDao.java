package io.brokle.control.db;

import io.brokle.control.core.Invitation;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code invitations} table. */
@RegisterRowMapper(AuthMappers.InvitationMapper.class)
public interface InvitationDao {
    String COLUMNS = "id, organization_id, email, role, token_hash, invited_by, created_at, expires_at,"
            + " accepted_at, revoked_at";

    @SqlUpdate("insert into invitations (" + COLUMNS + ") values (:id, :organizationId, :email, :role, :tokenHash,"
            + " cast(:invitedBy as uuid), :createdAt, :expiresAt, null, null)") // a null needs the cast on PostgreSQL
    void insertRaw(@Bind("id") UUID id, @Bind("organizationId") UUID organizationId, @Bind("email") String email,
                   @Bind("role") String role, @Bind("tokenHash") String tokenHash, @Bind("invitedBy") UUID invitedBy,
                   @Bind("createdAt") Instant createdAt, @Bind("expiresAt") Instant expiresAt);

    default void insert(Invitation i) {
        insertRaw(i.id(), i.organizationId(), i.email(), i.role().wireName(), i.tokenHash(), i.invitedBy(),
                i.createdAt(), i.expiresAt());
    }

    @SqlQuery("select " + COLUMNS + " from invitations where id = :id")
    Optional<Invitation> findById(@Bind("id") UUID id);

    @SqlQuery("select " + COLUMNS + " from invitations where token_hash = :tokenHash")
    Optional<Invitation> findByTokenHash(@Bind("tokenHash") String tokenHash);

    /** The invitations of one organization, newest first. */
    @SqlQuery("select " + COLUMNS + " from invitations where organization_id = :organizationId"
            + " order by created_at desc, id")
    List<Invitation> listByOrganization(@Bind("organizationId") UUID organizationId);

    /** Marks a pending invitation accepted: 1 when this call did, 0 when it had ended. */
    @SqlUpdate("update invitations set accepted_at = :now where id = :id and accepted_at is null"
            + " and revoked_at is null and expires_at > :now")
    int accept(@Bind("id") UUID id, @Bind("now") Instant now);

    /** Revokes an open invitation: 1 when this call did, 0 when it had been accepted or revoked. */
    @SqlUpdate("update invitations set revoked_at = :now where id = :id and accepted_at is null and revoked_at is null")
    int revoke(@Bind("id") UUID id, @Bind("now") Instant now);
}
