package io.brokle.control.db;

import io.brokle.control.core.Invitation;
import io.brokle.control.core.Membership;
import io.brokle.control.core.Role;
import io.brokle.control.core.Session;
import io.brokle.control.core.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Row mappers for users, memberships, sessions and invitations. */
public final class AuthMappers {
    private AuthMappers() {
    }

    static UUID uuid(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    static Role role(ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        Role role = Role.fromWire(value);
        if (role == null) {
            throw new SQLException("unknown role in column " + column + ": " + value);
        }
        return role;
    }

    /** Maps {@code users} rows. */
    public static final class UserMapper implements RowMapper<User> {
        @Override
        public User map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new User(uuid(rs, "id"), rs.getString("email"), rs.getString("password_hash"),
                    instant(rs, "created_at"));
        }
    }

    /** Maps {@code memberships} rows joined with their user's email. */
    public static final class MembershipMapper implements RowMapper<Membership> {
        @Override
        public Membership map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Membership(uuid(rs, "user_id"), uuid(rs, "organization_id"), rs.getString("email"),
                    role(rs, "role"), instant(rs, "created_at"));
        }
    }

    /** Maps {@code sessions} rows. */
    public static final class SessionMapper implements RowMapper<Session> {
        @Override
        public Session map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Session(uuid(rs, "id"), uuid(rs, "user_id"), rs.getString("secret_hash"),
                    instant(rs, "created_at"), instant(rs, "expires_at"), instant(rs, "revoked_at"));
        }
    }

    /** Maps {@code invitations} rows. */
    public static final class InvitationMapper implements RowMapper<Invitation> {
        @Override
        public Invitation map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Invitation(uuid(rs, "id"), uuid(rs, "organization_id"), rs.getString("email"),
                    role(rs, "role"), rs.getString("token_hash"), uuid(rs, "invited_by"), instant(rs, "created_at"),
                    instant(rs, "expires_at"), instant(rs, "accepted_at"), instant(rs, "revoked_at"));
        }
    }
}
