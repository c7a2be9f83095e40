package io.brokle.control.testing;

import com.codahale.metrics.MetricRegistry;
import io.brokle.control.ControlConfiguration;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * An empty database for one test: a private in-memory H2 database with the production
 * settings, or a private schema of this run's PostgreSQL database ({@link PostgresTestServer}).
 * Connections come from Dropwizard's pool, as in the application. Closing it throws it away.
 */
public final class TestDatabase implements AutoCloseable {
    public enum Kind { H2, POSTGRESQL }

    private final Kind kind;
    private final String url;
    private final ManagedDataSource dataSource;
    private final Jdbi jdbi;
    private final String dropSql;

    /** @param dropSql run on the database before the pool closes; null for none */
    TestDatabase(Kind kind, String driverClass, String url, String user, String dropSql) {
        this.kind = kind;
        this.url = url;
        DataSourceFactory factory = new DataSourceFactory();
        factory.setDriverClass(driverClass);
        factory.setUrl(url);
        factory.setUser(user);
        factory.setInitialSize(1);
        factory.setMinSize(1);
        factory.setMaxSize(4);
        this.dataSource = factory.build(new MetricRegistry(), "test");
        this.jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
        this.dropSql = dropSql;
    }

    /** A fresh in-memory H2 database in PostgreSQL mode, as the embedded default configures it. */
    public static TestDatabase h2() {
        String url = "jdbc:h2:mem:brokle_" + UUID.randomUUID().toString().replace("-", "")
                + ControlConfiguration.H2_SETTINGS + ";DB_CLOSE_DELAY=-1";
        return new TestDatabase(Kind.H2, "org.h2.Driver", url, "brokle", "shutdown");
    }

    public Kind kind() {
        return kind;
    }

    public String url() {
        return url;
    }

    /** Jdbi with the SQL Object plugin, as the application's {@code JdbiFactory} sets it up. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** Whether the current schema has a table or view of this name. */
    public boolean hasTable(String name) {
        try (Connection c = dataSource.getConnection();
             ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), name, null)) {
            while (rs.next()) {
                if (name.equals(rs.getString("TABLE_NAME"))) {
                    return true;
                }
            }
            return false;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(dropSql);
        } finally {
            stopPool();
        }
    }

    private void stopPool() {
        try {
            dataSource.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the pool of " + url, e);
        }
    }

    @Override
    public String toString() {
        return kind + " " + url;
    }
}
