package io.brokle.control.allinone;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.brokle.config.ServerSettings;
import io.brokle.config.TenantPath;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;

/**
 * The {@code allInOne} section of the control plane's configuration: when present, the control
 * plane also runs the proxy in its own JVM ({@link EmbeddedProxy}) serving one environment, and
 * makes a first administrator, that environment and a development key on an empty database.
 */
public final class AllInOneConfiguration {
    /** {@code organization/project/environment}: slugs and a name as the management API has them. */
    static final String PATH_PATTERN = "[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._-]*";

    @NotBlank
    private String host = ServerSettings.DEFAULT_HOST;

    @Min(0)
    @Max(65535)
    private int port = ServerSettings.DEFAULT_PORT;

    @NotBlank
    @Pattern(regexp = PATH_PATTERN, message = "must be organization/project/environment, e.g. local/default/dev")
    private String environment = "local/default/dev";

    @NotBlank
    private String adminEmail = "admin@brokle.local";

    @NotBlank
    private String dataDir = "data";

    /** The proxy's bind address (default 127.0.0.1). */
    @JsonProperty("host")
    public String getHost() {
        return host;
    }

    @JsonProperty("host")
    public void setHost(String host) {
        this.host = host;
    }

    /** The proxy's port (default 8080; 0 picks a free one). */
    @JsonProperty("port")
    public int getPort() {
        return port;
    }

    @JsonProperty("port")
    public void setPort(int port) {
        this.port = port;
    }

    /** The environment the embedded proxy serves, {@code organization/project/environment}. */
    @JsonProperty("environment")
    public String getEnvironment() {
        return environment;
    }

    @JsonProperty("environment")
    public void setEnvironment(String environment) {
        this.environment = environment;
    }

    /** The first administrator's email, used once, on an empty database. */
    @JsonProperty("adminEmail")
    public String getAdminEmail() {
        return adminEmail;
    }

    @JsonProperty("adminEmail")
    public void setAdminEmail(String adminEmail) {
        this.adminEmail = adminEmail;
    }

    /**
     * Where the key pepper is kept when none is configured ({@code key-pepper}, readable by the
     * owner only; the standalone proxy keeps its own the same way). Default {@code data}.
     */
    @JsonProperty("dataDir")
    public String getDataDir() {
        return dataDir;
    }

    @JsonProperty("dataDir")
    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    public TenantPath tenant() {
        String[] parts = environment.split("/", -1);
        return new TenantPath(parts[0], parts[1], parts[2]);
    }

    public ServerSettings serverSettings() {
        ServerSettings d = ServerSettings.DEFAULTS;
        return new ServerSettings(host, port, d.maxBodyBytes(), d.maxHeaderBytes(), d.requestReadTimeout(),
                d.idleTimeout(), d.shutdownGrace(), Path.of(dataDir), d.maxInFlight());
    }
}
