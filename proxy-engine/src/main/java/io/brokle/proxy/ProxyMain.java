package io.brokle.proxy;

import io.brokle.config.ConfigException;
import io.brokle.config.GatewayConfig;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.ServerSettings;
import io.brokle.config.SnapshotCodec;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.snapshot.ControlPlaneSnapshotSource;
import io.brokle.proxy.snapshot.EncryptedSnapshotFile;
import io.brokle.proxy.snapshot.FileSnapshotSource;
import io.brokle.proxy.snapshot.LocalState;
import io.brokle.proxy.snapshot.SnapshotHolder;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * The standalone proxy: {@code brokle-proxy [--config FILE] [--port N] [--data-dir DIR]}
 * serves the YAML file and reloads it when it changes; {@code brokle-proxy new-key} prints a
 * new virtual key and the {@code keys:} entry (its hash) to paste into the file;
 * {@code brokle-proxy --control-plane URL --environment ID} serves an environment of a control
 * plane instead ({@link ControlPlaneGateway}), with the node token in {@code BROKLE_NODE_TOKEN}.
 */
public final class ProxyMain {
    static final String DEFAULT_CONFIG = "config/brokle.yml";
    static final String KEY_PEPPER_VARIABLE = "BROKLE_KEY_PEPPER";

    private ProxyMain() {
    }

    public static void main(String[] args) throws Exception {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("brokle: " + e.getMessage());
            System.err.println(Arguments.USAGE);
            System.exit(2);
            return;
        }
        if (a.help) {
            System.out.println(Arguments.USAGE);
            return;
        }
        if (a.controlPlane != null) {
            runFromControlPlane(a, System.out);
            return;
        }
        Path configFile = Path.of(a.config);
        String text;
        GatewayConfig config;
        try {
            text = Files.readString(configFile, StandardCharsets.UTF_8);
            config = SnapshotCodec.parse(text, System::getenv);
        } catch (IOException e) {
            System.err.println("brokle: cannot read " + configFile + ": " + e.getMessage());
            System.exit(2);
            return;
        } catch (ConfigException e) {
            System.err.println("brokle: " + configFile + " is not valid:");
            e.problems().forEach(p -> System.err.println("  - " + p));
            System.exit(2);
            return;
        }
        GatewayConfig asInFile = config;
        if (a.port != null) {
            config = new GatewayConfig(config.server().withPort(a.port), config.keyPepper(), config.snapshot());
        }
        if (a.dataDir != null) {
            config = new GatewayConfig(config.server().withDataDir(Path.of(a.dataDir)), config.keyPepper(),
                    config.snapshot());
        }
        LocalState local = new LocalState(config.server().dataDir());
        KeyHasher hasher = new KeyHasher(config.keyPepper() != null ? config.keyPepper() : local.pepper());
        if (a.newKey) {
            printNewKey(hasher, System.out);
            return;
        }
        run(configFile, text, asInFile, config, local, hasher, System.out);
    }

    /**
     * @param asInFile the file's configuration, which reloads are compared with
     * @param config   the same with command-line overrides, which the server runs with
     */
    private static void run(Path configFile, String text, GatewayConfig asInFile, GatewayConfig config,
                            LocalState local, KeyHasher hasher, PrintStream out) throws InterruptedException {
        String createdKey = null;
        if (local.devKey().isEmpty() && config.snapshot().keysByHash().isEmpty()) {
            createdKey = local.createDevKey();
        }
        GatewaySnapshot snapshot = config.snapshot().withKeys(local.localKeys(hasher));
        SnapshotHolder holder = new SnapshotHolder(snapshot);
        GatewayMetrics metrics = new GatewayMetrics();
        ProxyServer server = ProxyServer.start(config, holder, metrics, hasher, 0);
        FileSnapshotSource source = new FileSnapshotSource(configFile, text, asInFile, System::getenv, holder, metrics,
                local, hasher);
        source.start(FileSnapshotSource.DEFAULT_POLL_MILLIS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            source.close();
            server.stop(config.server().shutdownGrace());
        }, "brokle-shutdown"));

        String base = "http://" + server.address().getHostString() + ":" + server.port();
        List<String> models = holder.current().servableModels();
        out.println("Brokle gateway listening on " + base + " (" + server.transportName() + ", config "
                + configFile + ", version " + holder.current().version() + ")");
        out.println("  models: " + (models.isEmpty() ? "(none enabled)" : String.join(", ", models)));
        out.println("  health: " + base + "/health   metrics: " + base + "/metrics");
        String keyRef;
        if (createdKey != null) {
            out.println();
            out.println("Created a development key. It is shown once; it is also stored in " + local.devKeyFile()
                    + " (readable only by you):");
            out.println("  " + createdKey);
            keyRef = "$(cat " + local.devKeyFile() + ")";
        } else if (local.devKey().isPresent()) {
            out.println("  development key: in " + local.devKeyFile());
            keyRef = "$(cat " + local.devKeyFile() + ")";
        } else {
            keyRef = "<your key>";
        }
        String model = models.contains("demo") ? "demo" : models.isEmpty() ? "<model>" : models.get(0);
        out.println();
        out.println("Try it:");
        out.println("  curl " + base + "/v1/chat/completions -H \"Authorization: Bearer " + keyRef + "\" \\");
        out.println("    -H 'Content-Type: application/json' -d '{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'");
        out.println("Stop with Ctrl-C (in-flight requests get up to " + config.server().shutdownGrace().toSeconds()
                + "s to finish).");
        out.flush();
        Thread.currentThread().join();
    }

    /**
     * Serves an environment of a control plane. Server settings come from {@code --config} when
     * it is given (its providers, routes and keys are not used), else the defaults; the key pepper
     * from {@value #KEY_PEPPER_VARIABLE}, else the file's {@code auth.keyPepper}.
     */
    private static void runFromControlPlane(Arguments a, PrintStream out) throws InterruptedException {
        ServerSettings server = ServerSettings.DEFAULTS;
        String pepper = System.getenv(KEY_PEPPER_VARIABLE);
        if (a.configGiven) {
            try {
                GatewayConfig file = SnapshotCodec.parse(Files.readString(Path.of(a.config), StandardCharsets.UTF_8),
                        System::getenv);
                server = file.server();
                if (pepper == null || pepper.isBlank()) {
                    pepper = file.keyPepper();
                }
            } catch (IOException | ConfigException e) {
                fail("cannot use " + a.config + ": " + e.getMessage());
                return;
            }
        }
        if (a.port != null) {
            server = server.withPort(a.port);
        }
        if (a.dataDir != null) {
            server = server.withDataDir(Path.of(a.dataDir));
        }
        if (pepper == null || pepper.isBlank()) {
            fail(KEY_PEPPER_VARIABLE + ": missing (the control plane's key pepper, so keys verify the same everywhere)");
            return;
        }
        ControlPlaneGateway gateway;
        try {
            var control = new ControlPlaneSnapshotSource.Settings(URI.create(a.controlPlane), a.environment,
                    System.getenv(ControlPlaneSnapshotSource.NODE_TOKEN_VARIABLE), ControlPlaneSnapshotSource.DEFAULT_WAIT);
            String redis = System.getenv("BROKLE_REDIS_URL");
            gateway = ControlPlaneGateway.start(server, pepper, control, System.getenv(EncryptedSnapshotFile.KEY_VARIABLE),
                    redis == null || redis.isBlank() ? null : URI.create(redis), System.getenv("BROKLE_REDIS_CHANNEL"), 0);
        } catch (IllegalArgumentException | IllegalStateException e) {
            fail(e.getMessage());
            return;
        }
        ServerSettings started = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> gateway.stop(started.shutdownGrace()), "brokle-shutdown"));
        String base = "http://" + gateway.server().address().getHostString() + ":" + gateway.server().port();
        out.println("Brokle gateway listening on " + base + " (" + gateway.server().transportName() + ", environment "
                + a.environment + " of " + a.controlPlane + ", control-plane version " + gateway.source().controlVersion() + ")");
        out.println("  health: " + base + "/health   metrics: " + base + "/metrics");
        out.flush();
        Thread.currentThread().join();
    }

    private static void fail(String message) {
        System.err.println("brokle: " + message);
        System.exit(2);
    }

    static void printNewKey(KeyHasher hasher, PrintStream out) {
        String key = KeyHasher.newKey(new SecureRandom());
        out.println("New virtual key (shown once; store it now):");
        out.println("  " + key);
        out.println();
        out.println("Add this entry under 'keys:' in the configuration file (it holds only the key's hash):");
        out.println("  - id: my-key            # a name for logs and metrics");
        out.println("    hash: " + hasher.hash(key));
        out.println("    tenant: my-org/my-project/dev");
        out.println("    models: []            # empty: every model");
    }

    /** Command-line arguments. */
    static final class Arguments {
        static final String USAGE = """
                usage: brokle-proxy [--config FILE] [--port N] [--data-dir DIR]
                       brokle-proxy --control-plane URL --environment ID [--config FILE] [--port N] [--data-dir DIR]
                       brokle-proxy new-key [--config FILE] [--data-dir DIR]
                  --config FILE    the gateway YAML (default: config/brokle.yml)
                  --port N         listen on port N instead of the file's server.port
                  --data-dir DIR   local state (dev key, key pepper) instead of the file's server.dataDir
                  --control-plane URL  serve an environment of this control plane (node token in BROKLE_NODE_TOKEN,
                                   key pepper in BROKLE_KEY_PEPPER; optional BROKLE_REDIS_URL, BROKLE_SNAPSHOT_KEY)
                  --environment ID the environment to serve (with --control-plane)
                  new-key          print a new virtual key and the hash entry for the file""";

        String config = DEFAULT_CONFIG;
        boolean configGiven;
        String controlPlane;
        String environment;
        Integer port;
        String dataDir;
        boolean newKey;
        boolean help;

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String arg = rest.remove(0);
                switch (arg) {
                    case "--config" -> {
                        a.config = value(rest, arg);
                        a.configGiven = true;
                    }
                    case "--control-plane" -> a.controlPlane = value(rest, arg);
                    case "--environment" -> a.environment = value(rest, arg);
                    case "--port" -> {
                        String v = value(rest, arg);
                        try {
                            a.port = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--port: \"" + v + "\" is not a port number");
                        }
                        if (a.port < 0 || a.port > 65535) {
                            throw new IllegalArgumentException("--port: " + v + " (expected: 0..65535)");
                        }
                    }
                    case "--data-dir" -> a.dataDir = value(rest, arg);
                    case "new-key" -> a.newKey = true;
                    case "-h", "--help", "help" -> a.help = true;
                    default -> throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
                }
            }
            if ((a.controlPlane == null) != (a.environment == null)) {
                throw new IllegalArgumentException("--control-plane and --environment go together");
            }
            if (a.controlPlane != null && a.newKey) {
                throw new IllegalArgumentException("new-key works on a YAML file; the control plane makes its own keys");
            }
            if (a.controlPlane != null) {
                URI uri;
                try {
                    uri = URI.create(a.controlPlane);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--control-plane: \"" + a.controlPlane + "\" is not a URL");
                }
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw new IllegalArgumentException("--control-plane: \"" + a.controlPlane
                            + "\" (expected: an http or https URL, e.g. http://127.0.0.1:8081)");
                }
            }
            return a;
        }

        private static String value(List<String> rest, String flag) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return rest.remove(0);
        }
    }
}
