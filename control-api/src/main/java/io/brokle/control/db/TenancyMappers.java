package io.brokle.control.db;

import io.brokle.control.core.Environment;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Project;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Row mappers for the tenancy tables. Columns are read by name with the types both databases
 * return for {@code uuid} and {@code timestamp with time zone}.
 */
public final class TenancyMappers {
    private TenancyMappers() {
    }

    private static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** Maps {@code organizations} rows. */
    public static final class OrganizationMapper implements RowMapper<Organization> {
        @Override
        public Organization map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Organization(uuid(rs, "id"), rs.getString("slug"), rs.getString("name"),
                    instant(rs, "created_at"));
        }
    }

    /** Maps {@code projects} rows. */
    public static final class ProjectMapper implements RowMapper<Project> {
        @Override
        public Project map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Project(uuid(rs, "id"), uuid(rs, "organization_id"), rs.getString("slug"),
                    rs.getString("name"), instant(rs, "created_at"));
        }
    }

    /** Maps {@code environments} rows. */
    public static final class EnvironmentMapper implements RowMapper<Environment> {
        @Override
        public Environment map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Environment(uuid(rs, "id"), uuid(rs, "project_id"), rs.getString("name"),
                    instant(rs, "created_at"));
        }
    }
}
