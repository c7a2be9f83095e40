package io.brokle.control.db;

import io.brokle.control.core.Project;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code projects} table: slugs are unique within an organization. */
@RegisterRowMapper(TenancyMappers.ProjectMapper.class)
public interface ProjectDao {
    String COLUMNS = "id, organization_id, slug, name, created_at";

    /**
     * @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException when the organization
     *         does not exist ({@code projects_organization_fk}) or has a project with this slug
     *         ({@code projects_slug_unique})
     */
    @SqlUpdate("insert into projects (" + COLUMNS + ") values (:id, :organizationId, :slug, :name, :createdAt)")
    void insert(@BindMethods Project project);

    @SqlQuery("select " + COLUMNS + " from projects where id = :id")
    Optional<Project> findById(@Bind("id") UUID id);

    @SqlQuery("select " + COLUMNS + " from projects where organization_id = :organizationId and slug = :slug")
    Optional<Project> findBySlug(@Bind("organizationId") UUID organizationId, @Bind("slug") String slug);

    /** The projects of one organization, by slug. */
    @SqlQuery("select " + COLUMNS + " from projects where organization_id = :organizationId order by slug")
    List<Project> listByOrganization(@Bind("organizationId") UUID organizationId);

    /** Renames a project (its slug stays): 1 when it exists. */
    @SqlUpdate("update projects set name = :name where id = :id")
    int updateName(@Bind("id") UUID id, @Bind("name") String name);

    /**
     * @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException while the project has
     *         environments ({@code environments_project_fk})
     */
    @SqlUpdate("delete from projects where id = :id")
    int delete(@Bind("id") UUID id);
}
