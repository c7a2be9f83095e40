package io.brokle.control.db;

import io.brokle.control.core.Membership;
import io.brokle.control.core.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code memberships} table, read joined with the member's email. */
@RegisterRowMapper(AuthMappers.MembershipMapper.class)
public interface MembershipDao {
    String SELECT = "select m.user_id, m.organization_id, u.email, m.role, m.created_at"
            + " from memberships m join users u on u.id = m.user_id";

    /**
     * @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException when the user is a
     *         member already ({@code memberships_pk}) or the user or organization does not exist
     */
    @SqlUpdate("insert into memberships (user_id, organization_id, role, created_at)"
            + " values (:userId, :organizationId, :role, :createdAt)")
    void insertRaw(@Bind("userId") UUID userId, @Bind("organizationId") UUID organizationId,
                   @Bind("role") String role, @Bind("createdAt") Instant createdAt);

    default void insert(UUID userId, UUID organizationId, Role role, Instant createdAt) {
        insertRaw(userId, organizationId, role.wireName(), createdAt);
    }

    @SqlQuery(SELECT + " where m.organization_id = :organizationId and m.user_id = :userId")
    Optional<Membership> find(@Bind("organizationId") UUID organizationId, @Bind("userId") UUID userId);

    /** The members of one organization, by email. */
    @SqlQuery(SELECT + " where m.organization_id = :organizationId order by u.email")
    List<Membership> listByOrganization(@Bind("organizationId") UUID organizationId);

    /** The memberships of one user. */
    @SqlQuery(SELECT + " where m.user_id = :userId")
    List<Membership> listByUser(@Bind("userId") UUID userId);

    @SqlQuery("select count(*) from memberships where organization_id = :organizationId and role = 'owner'")
    int countOwners(@Bind("organizationId") UUID organizationId);

    /**
     * The owners of an organization, their rows locked until the transaction ends: two owners
     * demoting each other at once take turns, so the second sees that it would be the last.
     */
    @SqlQuery("select user_id from memberships where organization_id = :organizationId and role = 'owner' for update")
    List<UUID> lockOwners(@Bind("organizationId") UUID organizationId);

    @SqlUpdate("update memberships set role = :role where organization_id = :organizationId and user_id = :userId")
    int updateRoleRaw(@Bind("organizationId") UUID organizationId, @Bind("userId") UUID userId,
                      @Bind("role") String role);

    default int updateRole(UUID organizationId, UUID userId, Role role) {
        return updateRoleRaw(organizationId, userId, role.wireName());
    }

    @SqlUpdate("delete from memberships where organization_id = :organizationId and user_id = :userId")
    int delete(@Bind("organizationId") UUID organizationId, @Bind("userId") UUID userId);
}
