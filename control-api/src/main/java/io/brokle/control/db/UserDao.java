package io.brokle.control.db;

import io.brokle.control.core.User;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** The {@code users} table: emails are stored lower-cased and are unique. */
@RegisterRowMapper(AuthMappers.UserMapper.class)
public interface UserDao {
    String COLUMNS = "id, email, password_hash, created_at";

    /**
     * @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException when the email is
     *         taken ({@code users_email_unique})
     */
    @SqlUpdate("insert into users (" + COLUMNS + ") values (:id, :email, :passwordHash, :createdAt)")
    void insert(@BindMethods User user);

    @SqlQuery("select " + COLUMNS + " from users where id = :id")
    Optional<User> findById(@Bind("id") UUID id);

    /** @param email lower-cased */
    @SqlQuery("select " + COLUMNS + " from users where email = :email")
    Optional<User> findByEmail(@Bind("email") String email);

    /** Replaces the stored hash, e.g. with one of stronger parameters after a login. */
    @SqlUpdate("update users set password_hash = :passwordHash where id = :id")
    int updatePasswordHash(@Bind("id") UUID id, @Bind("passwordHash") String passwordHash);
}
