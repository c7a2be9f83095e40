package io.brokle.control.db;

import io.brokle.control.core.Environment;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code environments} table: names are unique within a project. */
@RegisterRowMapper(TenancyMappers.EnvironmentMapper.class)
public interface EnvironmentDao {
    String COLUMNS = "id, project_id, name, created_at";

    /**
     * @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException when the project
     *         does not exist ({@code environments_project_fk}) or has an environment of this name
     *         ({@code environments_name_unique})
     */
    @SqlUpdate("insert into environments (" + COLUMNS + ") values (:id, :projectId, :name, :createdAt)")
    void insert(@BindMethods Environment environment);

    @SqlQuery("select " + COLUMNS + " from environments where id = :id")
    Optional<Environment> findById(@Bind("id") UUID id);

    @SqlQuery("select " + COLUMNS + " from environments where project_id = :projectId and name = :name")
    Optional<Environment> findByName(@Bind("projectId") UUID projectId, @Bind("name") String name);

    /** The environments of one project, by name. */
    @SqlQuery("select " + COLUMNS + " from environments where project_id = :projectId order by name")
    List<Environment> listByProject(@Bind("projectId") UUID projectId);

    /**
     * @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException while virtual keys or
     *         providers belong to the environment
     */
    @SqlUpdate("delete from environments where id = :id")
    int delete(@Bind("id") UUID id);
}
