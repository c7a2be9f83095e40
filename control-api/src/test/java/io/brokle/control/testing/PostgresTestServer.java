package io.brokle.control.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This test run's PostgreSQL database: created on first use as {@code brokle_test_<time>_<random>}
 * through the maintenance database, dropped when the run ends, so runs never share state. Each
 * test gets its own schema in it ({@link #newSchema}).
 *
 * <p>The maintenance database's URL comes from {@value #URL_VARIABLE}, default
 * {@value #DEFAULT_URL} (what {@code scripts/test} sets up: trust authentication on loopback).
 */
public final class PostgresTestServer implements AutoCloseable {
    public static final String URL_VARIABLE = "BROKLE_TEST_PG_URL";
    public static final String DEFAULT_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]+/)([^?]*)(\\?.*)?");

    private final String maintenanceUrl;
    private final String database;
    private final String databaseUrl;
    private final AtomicInteger schemas = new AtomicInteger();

    private PostgresTestServer(String maintenanceUrl, String database, String databaseUrl) {
        this.maintenanceUrl = maintenanceUrl;
        this.database = database;
        this.databaseUrl = databaseUrl;
    }

    /** Creates this run's database. */
    public static PostgresTestServer start() {
        String env = System.getenv(URL_VARIABLE);
        String maintenanceUrl = env == null || env.isBlank() ? DEFAULT_URL : env;
        Matcher m = URL.matcher(maintenanceUrl);
        if (!m.matches()) {
            throw new IllegalStateException(URL_VARIABLE + ": " + maintenanceUrl
                    + " (expected: jdbc:postgresql://HOST:PORT/DATABASE?user=...)");
        }
        String database = String.format(Locale.ROOT, "brokle_test_%s_%06x",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT)),
                ThreadLocalRandom.current().nextInt(1 << 24));
        try (Connection c = DriverManager.getConnection(maintenanceUrl); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + m.group(1) + m.group(2) + ": "
                    + e.getMessage() + ". Start it (scripts/test does), or set " + URL_VARIABLE
                    + " to a maintenance database URL such as " + DEFAULT_URL, e);
        }
        String query = m.group(3) == null ? "" : m.group(3);
        return new PostgresTestServer(maintenanceUrl, database, m.group(1) + database + query);
    }

    /** A new empty schema of this run's database, current for every connection of the result. */
    public TestDatabase newSchema() {
        String schema = "t" + schemas.incrementAndGet();
        execute(databaseUrl, "create schema " + schema);
        // Commits need not wait for the disk in a database thrown away after the run.
        String url = databaseUrl + (databaseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema
                + "&options=-c%20synchronous_commit%3Doff";
        return new TestDatabase(TestDatabase.Kind.POSTGRESQL, "org.postgresql.Driver", url, null,
                "drop schema " + schema + " cascade");
    }

    public String database() {
        return database;
    }

    @Override
    public void close() {
        execute(maintenanceUrl, "drop database if exists " + database + " with (force)");
    }

    private static void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
