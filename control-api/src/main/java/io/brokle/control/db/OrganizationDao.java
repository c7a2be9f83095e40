package io.brokle.control.db;

import io.brokle.control.core.Organization;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The {@code organizations} table. The pattern for every DAO: SQL that runs unchanged on
 * PostgreSQL and H2, records in and out, {@code Optional} for at most one row.
 */
@RegisterRowMapper(TenancyMappers.OrganizationMapper.class)
public interface OrganizationDao {
    String COLUMNS = "id, slug, name, created_at";

    /**
     * @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException when the slug is
     *         taken (constraint {@code organizations_slug_unique})
     */
    @SqlUpdate("insert into organizations (" + COLUMNS + ") values (:id, :slug, :name, :createdAt)")
    void insert(@BindMethods Organization organization);

    @SqlQuery("select " + COLUMNS + " from organizations where id = :id")
    Optional<Organization> findById(@Bind("id") UUID id);

    @SqlQuery("select " + COLUMNS + " from organizations where slug = :slug")
    Optional<Organization> findBySlug(@Bind("slug") String slug);

    /** Every organization, by slug. */
    @SqlQuery("select " + COLUMNS + " from organizations order by slug")
    List<Organization> list();

    /** Renames an organization (its slug stays): 1 when it exists. */
    @SqlUpdate("update organizations set name = :name where id = :id")
    int updateName(@Bind("id") UUID id, @Bind("name") String name);
}
