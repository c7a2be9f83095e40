package io.brokle.control.allinone;

import io.brokle.control.ControlConfiguration;
import io.brokle.control.ControlServices;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.PasswordHasher;
import io.brokle.control.seed.DevelopmentData;
import io.brokle.proxy.snapshot.LocalState;
import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.jdbi.v3.core.Jdbi;

/** Wires the all-in-one mode into the control plane's start (see {@link EmbeddedProxy}). */
public final class AllInOne {
    private AllInOne() {
    }

    /**
     * The key pepper when none is configured: kept in {@code dataDir/key-pepper} (made on first
     * use, readable by the owner only), so keys made today still verify after a restart.
     */
    public static String keyPepper(AllInOneConfiguration config) {
        return new LocalState(Path.of(config.getDataDir())).pepper();
    }

    /**
     * Manages an {@link EmbeddedProxy} (started after the migrations) and prints its banner once
     * the API port is open.
     */
    public static EmbeddedProxy register(ControlConfiguration configuration, Environment environment, Jdbi jdbi,
                                         ControlServices services, Clock clock, PrintStream console) {
        if (services.keyService() == null) {
            throw new IllegalStateException("allInOne: no key pepper");
        }
        SecureRandom random = new SecureRandom();
        DevelopmentData data = new DevelopmentData(jdbi, services,
                new PasswordHasher(configuration.getAuth().passwordParameters(), random),
                new AuditLog(environment.getObjectMapper(), clock), clock, random);
        EmbeddedProxy proxy = new EmbeddedProxy(configuration.getAllInOne(), jdbi, services,
                services.keyService().hasher(), data, console, databaseName(configuration.getDatabase().getUrl()));
        environment.lifecycle().manage(proxy);
        environment.lifecycle().addServerLifecycleListener(server -> {
            int port = -1;
            for (Connector c : server.getConnectors()) {
                if (c instanceof NetworkConnector n && "application".equals(n.getName())) {
                    port = n.getLocalPort();
                    break;
                }
            }
            proxy.printBanner(port);
        });
        return proxy;
    }

    /** The H2 file a person would delete to start over, or the URL without its parameters. */
    static String databaseName(String url) {
        String bare = url.split("[;?]", 2)[0];
        return bare.startsWith("jdbc:h2:file:") ? bare.substring("jdbc:h2:file:".length()) + ".mv.db" : bare;
    }
}
