package io.brokle.control.allinone;

import io.brokle.config.Deployment;
import io.brokle.config.GatewayConfig;
import io.brokle.config.GatewaySnapshot;
import io.brokle.config.TenantPath;
import io.brokle.control.ControlServices;
import io.brokle.control.health.ProviderHealth;
import io.brokle.control.seed.DevelopmentData;
import io.brokle.proxy.ProxyServer;
import io.brokle.proxy.http.KeyHasher;
import io.brokle.proxy.metrics.GatewayMetrics;
import io.brokle.proxy.metrics.ProviderActivity;
import io.brokle.proxy.snapshot.SnapshotHolder;
import io.dropwizard.lifecycle.Managed;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy engine inside the control plane's JVM (the all-in-one mode): on start it sets up an
 * empty database ({@link FirstStart}), builds the configured environment's snapshot with the
 * control plane's {@code SnapshotBuilder}, and serves it with a {@link ProxyServer}. Each change
 * committed for that environment reaches it through the {@code SnapshotPublisher}'s in-process
 * listener, with no HTTP in between; keys verify with the control plane's own {@link KeyHasher}.
 */
public final class EmbeddedProxy implements Managed, ProviderHealth.Source {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedProxy.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final AllInOneConfiguration config;
    private final Jdbi jdbi;
    private final ControlServices services;
    private final KeyHasher hasher;
    private final DevelopmentData data;
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "brokle-embedded-snapshots");
        t.setDaemon(true);
        return t;
    });

    private volatile UUID environmentId;
    private volatile long controlVersion = -1;
    private volatile SnapshotHolder holder;
    private volatile GatewayMetrics metrics;
    private volatile ProxyServer server;
    private volatile String devKeyForBanner;
    private final PrintStream console;
    private final String database;

    /**
     * @param console  where the first start's credentials and the banner are printed
     * @param database what to delete to start over, as the banner names it
     */
    public EmbeddedProxy(AllInOneConfiguration config, Jdbi jdbi, ControlServices services, KeyHasher hasher,
                         DevelopmentData data, PrintStream console, String database) {
        this.config = config;
        this.jdbi = jdbi;
        this.services = services;
        this.hasher = hasher;
        this.data = data;
        this.console = console;
        this.database = database;
    }

    @Override
    public void start() throws Exception {
        TenantPath tenant = config.tenant();
        // Shown at once: should a port turn out to be taken, they are not lost with the failed start.
        FirstStart.setUp(data, config.getAdminEmail(), tenant).ifPresent(this::printCredentials);
        UUID env = findEnvironment(tenant).orElseThrow(() -> new IllegalStateException("allInOne.environment: "
                + tenant + " does not exist in this database, which has accounts already (it is made only on a first"
                + " start, on an empty database): name an existing environment, e.g. BROKLE_ENVIRONMENT=acme/chat/dev"
                + " after `seed`, or create it through the management API"));
        environmentId = env;
        // Listen first, then build: a change committed in between is applied by the listener.
        services.publisher().onPublished((changed, version) -> {
            if (changed.equals(environmentId)) {
                refresher.execute(this::refresh);
            }
        });
        GatewaySnapshot first = jdbi.withHandle(h -> services.builder().build(h, env));
        controlVersion = first.version();
        SnapshotHolder h = new SnapshotHolder(first);
        GatewayMetrics m = new GatewayMetrics();
        holder = h;
        metrics = m;
        server = ProxyServer.start(new GatewayConfig(config.serverSettings(), null, first), h, m, hasher, 0);
        LOG.info("embedded proxy serving {} (control-plane version {}) on {}:{}", tenant, first.version(),
                server.address().getHostString(), server.port());
    }

    /** Serves the environment's newest snapshot if it is newer than the one served. */
    private void refresh() {
        try {
            GatewaySnapshot built = jdbi.withHandle(h -> services.builder().build(h, environmentId));
            synchronized (this) {
                if (built.version() > controlVersion && holder != null) {
                    holder.apply(built);
                    controlVersion = built.version();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("embedded proxy: could not build the snapshot of environment {}; still serving version {}",
                    environmentId, controlVersion, e);
        }
    }

    @Override
    public void stop() throws Exception {
        refresher.shutdownNow();
        refresher.awaitTermination(5, TimeUnit.SECONDS);
        ProxyServer s = server;
        if (s != null) {
            s.stop(STOP_GRACE);
        }
    }

    /** The proxy's port, once started. */
    public int port() {
        return server.port();
    }

    /** The environment served, once started. */
    public UUID environmentId() {
        return environmentId;
    }

    /** The control-plane version of the snapshot being served. */
    public long controlVersion() {
        return controlVersion;
    }

    /**
     * Prints the first start's administrator password and development key, once: they are not
     * logged and not kept (except the key, until {@link #printBanner} has used it).
     */
    private void printCredentials(FirstStart.Credentials shown) {
        String n = System.lineSeparator();
        console.print("Brokle all-in-one, first start: created an administrator and a development key for "
                + shown.environment() + "." + n
                + "They are shown ONCE and stored only as hashes; copy them now." + n
                + "  admin email:    " + shown.email() + n
                + "  admin password: " + shown.password() + n
                + "  dev key:        " + shown.devKey() + n
                + "Lost them? With Brokle stopped, `scripts/run reset-password " + shown.email() + "` prints a new" + n
                + "password (then log in and make a new key); or delete " + database + " to start over." + n + n);
        console.flush();
        devKeyForBanner = shown.devKey();
    }

    /** Prints where things are, once the management API's port is open. */
    public void printBanner(int controlPort) {
        String n = System.lineSeparator();
        String base = "http://" + server.address().getHostString() + ":" + server.port();
        List<String> models = holder.current().servableModels();
        String keyRef = devKeyForBanner == null ? "<your key>" : devKeyForBanner;
        devKeyForBanner = null;
        String model = models.contains("demo") ? "demo" : models.isEmpty() ? "<model>" : models.get(0);
        console.print("Brokle all-in-one: gateway on " + base + " serving " + config.tenant() + ", management API on http://"
                + config.getHost() + ":" + controlPort + "/api/v1" + n
                + "  models: " + (models.isEmpty() ? "(none enabled)" : String.join(", ", models)) + n + n
                + "Try it:" + n
                + "  curl " + base + "/v1/chat/completions -H \"Authorization: Bearer " + keyRef + "\" \\" + n
                + "    -H 'Content-Type: application/json' -d '{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}'" + n);
        console.flush();
    }

    @Override
    public List<ProviderHealth.Entry> providers() {
        GatewaySnapshot current = holder.current();
        Map<String, ProviderActivity> activity = metrics.providerActivity();
        List<ProviderHealth.Entry> out = new ArrayList<>();
        for (String provider : new java.util.TreeSet<>(current.providers().keySet())) {
            String breaker = "closed";
            for (Deployment d : current.deployments().values()) {
                if (d.provider().equals(provider)) {
                    breaker = worse(breaker, server.deploymentHealth().breaker(d.name()).stateName());
                }
            }
            ProviderActivity a = activity.getOrDefault(provider, new ProviderActivity(0, 0, null));
            out.add(new ProviderHealth.Entry(provider, current.providers().get(provider).kind().yamlName(),
                    a.lastSuccess(), a.attempts(), a.failures(), a.errorRate(), breaker));
        }
        return out;
    }

    private static String worse(String a, String b) {
        return rank(b) > rank(a) ? b : a;
    }

    private static int rank(String state) {
        return switch (state) {
            case "open" -> 2;
            case "half-open" -> 1;
            default -> 0;
        };
    }

    private Optional<UUID> findEnvironment(TenantPath tenant) {
        return jdbi.withHandle(h -> h.createQuery("select e.id from environments e join projects p on p.id = e.project_id "
                        + "join organizations o on o.id = p.organization_id "
                        + "where o.slug = :org and p.slug = :project and e.name = :env")
                .bind("org", tenant.organization()).bind("project", tenant.project()).bind("env", tenant.environment())
                .mapTo(UUID.class).findOne());
    }
}
