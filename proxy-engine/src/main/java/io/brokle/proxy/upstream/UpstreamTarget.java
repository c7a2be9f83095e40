package io.brokle.proxy.upstream;

import io.brokle.config.Deployment;
import io.brokle.config.Provider;
import io.brokle.proxy.http.Endpoint;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Where and how one request goes upstream, computed only from configuration: nothing a client
 * sends can change the host, port or path prefix.
 *
 * @param tls             whether to speak TLS
 * @param host            the host to connect to (and verify the certificate for)
 * @param port            the port
 * @param hostHeader      the {@code Host} header value
 * @param uri             the request target (path and query)
 * @param headers         headers the provider needs (credential, API version); values never logged
 * @param provider        the provider
 * @param deployment      the deployment
 */
public record UpstreamTarget(boolean tls, String host, int port, String hostHeader, String uri,
                             List<Map.Entry<String, String>> headers, Provider provider, Deployment deployment) {

    /** The time limits of this request: the deployment's own, else its provider's. */
    public io.brokle.config.UpstreamTimeouts timeouts() {
        return deployment.timeoutsWith(provider);
    }

    /** The pool key: connections are shared by requests to the same scheme, host and port. */
    public String poolKey() {
        return (tls ? "https://" : "http://") + host + ":" + port;
    }

    @Override
    public String toString() {
        return "UpstreamTarget[" + poolKey() + uri + ", provider=" + provider.name() + ", deployment="
                + deployment.name() + "]";
    }

    /**
     * The target of a provider that speaks OpenAI's wire format (OpenAI-compatible, Azure, mock).
     *
     * @param mockAddress the local address serving a {@code mock} provider (ignored for other kinds)
     */
    public static UpstreamTarget of(Provider provider, Deployment deployment, Endpoint endpoint,
                                    InetSocketAddress mockAddress) {
        return switch (provider.kind()) {
            case MOCK -> new UpstreamTarget(false, mockAddress.getHostString(), mockAddress.getPort(),
                    mockAddress.getHostString() + ":" + mockAddress.getPort(), "/v1/" + endpoint.upstreamSuffix(),
                    List.of(), provider, deployment);
            case OPENAI -> http(provider, deployment, path(provider.baseUrl()) + "/" + endpoint.upstreamSuffix(),
                    provider.apiKey() == null ? List.of() : List.of(Map.entry("authorization", "Bearer " + provider.apiKey())));
            case AZURE -> http(provider, deployment, path(provider.baseUrl()) + "/openai/deployments/"
                            + URLEncoder.encode(deployment.model(), StandardCharsets.UTF_8) + "/"
                            + endpoint.upstreamSuffix() + "?api-version="
                            + URLEncoder.encode(provider.apiVersion(), StandardCharsets.UTF_8),
                    List.of(Map.entry("api-key", provider.apiKey())));
            default -> throw new IllegalArgumentException("provider kind " + provider.kind()
                    + " needs an adapter; see ProviderAdapters");
        };
    }

    /**
     * The target of a translated request: the provider's base URL with the adapter's path and headers.
     *
     * @param path    the request target after the base URL's path, starting with {@code /}
     * @param headers the headers the adapter computed
     */
    public static UpstreamTarget translated(Provider provider, Deployment deployment, String path,
                                            List<Map.Entry<String, String>> headers) {
        return http(provider, deployment, path(provider.baseUrl()) + path, headers);
    }

    private static UpstreamTarget http(Provider provider, Deployment deployment, String uri,
                                       List<Map.Entry<String, String>> headers) {
        URI base = provider.baseUrl();
        boolean tls = base.getScheme().equals("https");
        int port = base.getPort() > 0 ? base.getPort() : tls ? 443 : 80;
        String hostHeader = base.getPort() > 0 ? base.getHost() + ":" + base.getPort() : base.getHost();
        return new UpstreamTarget(tls, base.getHost(), port, hostHeader, uri, headers, provider, deployment);
    }

    private static String path(URI base) {
        String p = base.getRawPath();
        return p == null ? "" : p;
    }
}
