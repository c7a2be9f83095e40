package io.brokle.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.brokle.control.auth.AuthConfiguration;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * The control plane's configuration, read from YAML ({@code control-api/control.yml}).
 *
 * <p>A Jackson bean because Dropwizard needs one. Its defaults are the embedded setup, the same
 * as the shipped file: an H2 file under {@code data/}, the API on 127.0.0.1:8081 and the admin
 * port on 127.0.0.1:8082 (the proxy has 8080), migrations applied at start.
 */
public final class ControlConfiguration extends Configuration {
    /**
     * The embedded database: an H2 file set up to speak PostgreSQL's dialect, fold unquoted
     * names to lower case, and sort nulls last as PostgreSQL does, so the same migrations and
     * queries run on both.
     */
    public static final String H2_SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    /** The embedded database file, {@code ./data/brokle-control.mv.db}, with {@link #H2_SETTINGS}. */
    public static final String EMBEDDED_DATABASE_URL = "jdbc:h2:file:./data/brokle-control" + H2_SETTINGS;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8081;
    public static final int DEFAULT_ADMIN_PORT = 8082;

    @Valid
    @NotNull
    private DataSourceFactory database = embeddedDatabase();

    private boolean migrateOnStart = true;

    @Valid
    @NotNull
    private AuthConfiguration auth = new AuthConfiguration();

    /** Environment variables read when the matching field is empty. */
    public static final String KEY_PEPPER_VARIABLE = "BROKLE_KEY_PEPPER";
    public static final String NODE_TOKEN_VARIABLE = "BROKLE_NODE_TOKEN";
    public static final String REDIS_URL_VARIABLE = "BROKLE_REDIS_URL";

    private String keyPepper;
    private String nodeToken;
    private String masterKeys;
    private String redisUrl;
    private String redisChannel;

    @Valid
    private io.brokle.control.allinone.AllInOneConfiguration allInOne;

    public ControlConfiguration() {
        DefaultServerFactory server = new DefaultServerFactory();
        server.setApplicationConnectors(List.of(loopback(DEFAULT_PORT)));
        server.setAdminConnectors(List.of(loopback(DEFAULT_ADMIN_PORT)));
        setServerFactory(server);
    }

    /** The control plane's database: PostgreSQL in production, an H2 file by default. */
    @JsonProperty("database")
    public DataSourceFactory getDatabase() {
        return database;
    }

    @JsonProperty("database")
    public void setDatabase(DataSourceFactory database) {
        this.database = database;
    }

    /**
     * Whether the server applies pending migrations before it opens its ports (default true).
     * Control-api nodes sharing a PostgreSQL database take turns through an advisory lock. With
     * false, run {@code db up} yourself; {@code /health/db} reports pending migrations.
     */
    @JsonProperty("migrateOnStart")
    public boolean isMigrateOnStart() {
        return migrateOnStart;
    }

    @JsonProperty("migrateOnStart")
    public void setMigrateOnStart(boolean migrateOnStart) {
        this.migrateOnStart = migrateOnStart;
    }

    /** The management API's authentication: token secret and lifetimes, password hashing, login lockout. */
    @JsonProperty("auth")
    public AuthConfiguration getAuth() {
        return auth;
    }

    @JsonProperty("auth")
    public void setAuth(AuthConfiguration auth) {
        this.auth = auth;
    }

    /**
     * The secret that keys virtual-key hashes, the same as every proxy's ({@code auth.keyPepper}
     * or {@code BROKLE_KEY_PEPPER} there); at least 16 characters. Empty: {@value #KEY_PEPPER_VARIABLE}.
     */
    @JsonProperty("keyPepper")
    public String getKeyPepper() {
        return keyPepper;
    }

    @JsonProperty("keyPepper")
    public void setKeyPepper(String keyPepper) {
        this.keyPepper = keyPepper;
    }

    /**
     * The token proxies present to {@code /internal/v1/snapshots}; at least 16 characters. Empty:
     * {@value #NODE_TOKEN_VARIABLE}; neither set: the endpoint is off.
     */
    @JsonProperty("nodeToken")
    public String getNodeToken() {
        return nodeToken;
    }

    @JsonProperty("nodeToken")
    public void setNodeToken(String nodeToken) {
        this.nodeToken = nodeToken;
    }

    /**
     * Master keys for provider credentials, comma-separated base64 of 32 bytes, the first one
     * encrypting. Empty: {@code BROKLE_MASTER_KEYS}, else {@code BROKLE_MASTER_KEY}.
     */
    @JsonProperty("masterKeys")
    public String getMasterKeys() {
        return masterKeys;
    }

    @JsonProperty("masterKeys")
    public void setMasterKeys(String masterKeys) {
        this.masterKeys = masterKeys;
    }

    /** Redis for snapshot notifications, e.g. {@code redis://127.0.0.1:6379}. Empty: {@value #REDIS_URL_VARIABLE}; neither: none. */
    @JsonProperty("redisUrl")
    public String getRedisUrl() {
        return redisUrl;
    }

    @JsonProperty("redisUrl")
    public void setRedisUrl(String redisUrl) {
        this.redisUrl = redisUrl;
    }

    /** The pub/sub channel of snapshot notifications (default {@code brokle:snapshots}); proxies use the same. */
    @JsonProperty("redisChannel")
    public String getRedisChannel() {
        return redisChannel;
    }

    @JsonProperty("redisChannel")
    public void setRedisChannel(String redisChannel) {
        this.redisChannel = redisChannel;
    }

    /**
     * When set, the proxy runs in this JVM too, serving one environment (the all-in-one mode;
     * {@code config/all-in-one.yml}); null (the default) for the control plane alone.
     */
    @JsonProperty("allInOne")
    public io.brokle.control.allinone.AllInOneConfiguration getAllInOne() {
        return allInOne;
    }

    @JsonProperty("allInOne")
    public void setAllInOne(io.brokle.control.allinone.AllInOneConfiguration allInOne) {
        this.allInOne = allInOne;
    }

    private static DataSourceFactory embeddedDatabase() {
        DataSourceFactory database = new DataSourceFactory();
        database.setDriverClass("org.h2.Driver");
        database.setUrl(EMBEDDED_DATABASE_URL);
        database.setUser("brokle");
        database.setPassword("");
        // One process owns an H2 file: a few connections are plenty.
        database.setInitialSize(1);
        database.setMinSize(1);
        database.setMaxSize(8);
        return database;
    }

    private static ConnectorFactory loopback(int port) {
        HttpConnectorFactory connector = new HttpConnectorFactory();
        connector.setBindHost(DEFAULT_HOST);
        connector.setPort(port);
        return connector;
    }
}
