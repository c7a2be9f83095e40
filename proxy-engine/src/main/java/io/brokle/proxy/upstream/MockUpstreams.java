package io.brokle.proxy.upstream;

import io.brokle.config.GatewaySnapshot;
import io.brokle.config.MockOptions;
import io.brokle.config.Provider;
import io.brokle.config.ProviderKind;
import io.brokle.proxy.mock.MockProviderServer;
import io.brokle.proxy.netty.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local servers behind {@code mock} providers: one {@link MockProviderServer} on loopback
 * per distinct set of mock options, started when a snapshot first names it. Requests to a mock
 * provider go through the same pool and relay as any provider, so a dry run exercises the
 * real path. Servers stay up until {@link #close()}: in-flight requests may still use them
 * after a reload.
 */
public final class MockUpstreams implements AutoCloseable {
    private final EventLoopGroup group;
    private final Transport transport;
    private final Map<MockOptions, MockProviderServer> servers = new ConcurrentHashMap<>();

    public MockUpstreams(EventLoopGroup group, Transport transport) {
        this.group = group;
        this.transport = transport;
    }

    /** Starts servers for the snapshot's mock providers that have none yet. */
    public void prepare(GatewaySnapshot snapshot) {
        for (Provider p : snapshot.providers().values()) {
            if (p.kind() == ProviderKind.MOCK) {
                servers.computeIfAbsent(p.mock(), o -> MockProviderServer.start(o, group, transport, "127.0.0.1", 0));
            }
        }
    }

    /** The local address serving {@code provider}, or {@code null} for other kinds. */
    public InetSocketAddress addressOf(Provider provider) {
        if (provider.kind() != ProviderKind.MOCK) {
            return null;
        }
        MockProviderServer server = servers.get(provider.mock());
        if (server == null) {
            throw new IllegalStateException("mock provider " + provider.name() + " was not prepared");
        }
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    @Override
    public void close() {
        servers.values().forEach(MockProviderServer::close);
        servers.clear();
    }
}
