package io.brokle.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.Function;

/**
 * The wire format of a whole {@link GatewaySnapshot} between the control plane and its proxies
 * (and of the proxy's encrypted last-good file): JSON, every value explicit, no {@code ${ENV}}
 * substitution (a credential containing {@code ${} stays as it is). Lists are sorted by name, so
 * equal snapshots encode to equal bytes.
 *
 * <pre>
 * {"format":1,"version":7,
 *  "providers":[{"name":"openai","kind":"openai","baseUrl":"https://api.openai.com/v1","apiKey":"sk-...",
 *                "apiVersion":null,"enabled":true,"priceFamily":null,
 *                "timeouts":{"connect":"PT5S","firstByte":"PT2M","idle":"PT30S","total":"PT10M"},"mock":null}],
 *  "deployments":[{"name":"gpt-4o","provider":"openai","model":"gpt-4o","weight":1,"price":null,"timeouts":null}],
 *  "routes":[{"model":"gpt-4o","deployments":["gpt-4o"],"strategy":"weighted","fallbacks":[],"maxAttempts":3}],
 *  "keys":[{"id":"...","hash":"...","tenant":"acme/chat/prod","models":[],"expiresAt":null,"revoked":false}]}
 * </pre>
 *
 * The encoded form holds provider credentials in clear: it travels only over the authenticated
 * internal endpoint and is stored only encrypted.
 */
public final class SnapshotJson {
    /** Bumped when a reader of the previous format could not read the new one. */
    public static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotJson() {
    }

    public static byte[] encode(GatewaySnapshot snapshot) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", snapshot.version());
        ArrayNode providers = root.putArray("providers");
        sorted(snapshot.providers().values(), Provider::name).forEach(p -> providers.add(provider(p)));
        ArrayNode deployments = root.putArray("deployments");
        sorted(snapshot.deployments().values(), Deployment::name).forEach(d -> deployments.add(deployment(d)));
        ArrayNode routes = root.putArray("routes");
        sorted(snapshot.distinctRoutes(), Route::model).forEach(r -> routes.add(route(r)));
        ArrayNode keys = root.putArray("keys");
        sorted(snapshot.keysByHash().values(), VirtualKey::id).forEach(k -> keys.add(key(k)));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode snapshot version " + snapshot.version(), e);
        }
    }

    /**
     * Reads what {@link #encode} wrote and checks it with {@link SnapshotValidator}.
     *
     * @throws ConfigException when the bytes are not such a snapshot (the message names the
     *         field, never a credential's value)
     */
    public static GatewaySnapshot decode(byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new ConfigException("snapshot: not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("snapshot: not a JSON object");
        }
        int format = root.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new ConfigException("snapshot.format: " + root.path("format") + " (expected: " + FORMAT + ")");
        }
        try {
            List<Provider> providers = new ArrayList<>();
            root.path("providers").forEach(p -> providers.add(readProvider(p)));
            List<Deployment> deployments = new ArrayList<>();
            root.path("deployments").forEach(d -> deployments.add(readDeployment(d)));
            List<Route> routes = new ArrayList<>();
            root.path("routes").forEach(r -> routes.add(readRoute(r)));
            List<VirtualKey> keys = new ArrayList<>();
            root.path("keys").forEach(k -> keys.add(readKey(k)));
            return SnapshotValidator.validate(required(root, "version").asLong(), providers, deployments, routes, keys);
        } catch (IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
            // Record constructors name the field; none of them puts a credential in a message.
            throw new ConfigException("snapshot: " + e.getMessage());
        }
    }

    private static <T> List<T> sorted(java.util.Collection<T> values, Function<T, String> name) {
        return values.stream().sorted(Comparator.comparing(name)).toList();
    }

    private static ObjectNode provider(Provider p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", p.name());
        n.put("kind", p.kind().yamlName());
        n.put("baseUrl", p.baseUrl() == null ? null : p.baseUrl().toString());
        n.put("apiKey", p.apiKey());
        n.put("apiVersion", p.apiVersion());
        n.put("enabled", p.enabled());
        n.put("priceFamily", p.priceFamily());
        n.set("timeouts", timeouts(p.timeouts()));
        if (p.mock() == null) {
            n.putNull("mock");
        } else {
            ObjectNode m = n.putObject("mock");
            m.put("latency", p.mock().latency().toString());
            m.put("chunkDelay", p.mock().chunkDelay().toString());
            m.put("chunks", p.mock().chunks());
            m.put("chunkChars", p.mock().chunkChars());
            m.put("embeddingDimensions", p.mock().embeddingDimensions());
        }
        return n;
    }

    private static JsonNode timeouts(UpstreamTimeouts t) {
        if (t == null) {
            return JSON.nullNode();
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("connect", t.connect().toString());
        n.put("firstByte", t.firstByte().toString());
        n.put("idle", t.idle().toString());
        n.put("total", t.total().toString());
        return n;
    }

    private static ObjectNode deployment(Deployment d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", d.name());
        n.put("provider", d.provider());
        n.put("model", d.model());
        n.put("weight", d.weight());
        if (d.price() == null) {
            n.putNull("price");
        } else {
            ObjectNode p = n.putObject("price");
            p.put("input", text(d.price().input()));
            p.put("cachedInput", text(d.price().cachedInput()));
            p.put("cacheWrite", text(d.price().cacheWrite()));
            p.put("output", text(d.price().output()));
            p.put("reasoning", text(d.price().reasoning()));
            p.put("effectiveFrom", d.price().effectiveFrom() == null ? null : d.price().effectiveFrom().toString());
        }
        n.set("timeouts", timeouts(d.timeouts()));
        return n;
    }

    private static ObjectNode route(Route r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model", r.model());
        r.deployments().forEach(n.putArray("deployments")::add);
        n.put("strategy", r.strategy().yamlName());
        r.fallbacks().forEach(n.putArray("fallbacks")::add);
        n.put("maxAttempts", r.maxAttempts());
        n.put("maxEjectionPercent", r.maxEjectionPercent());
        ArrayNode aliases = n.putArray("aliases");
        r.aliases().forEach(aliases::add);
        return n;
    }

    private static ObjectNode key(VirtualKey k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", k.id());
        n.put("hash", k.hash());
        n.put("tenant", k.tenant().toString());
        k.allowedModels().forEach(n.putArray("models")::add);
        n.put("expiresAt", k.expiresAt() == null ? null : k.expiresAt().toString());
        n.put("revoked", k.revoked());
        return n;
    }

    private static String text(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    private static Provider readProvider(JsonNode n) {
        String kindName = string(n, "kind");
        ProviderKind kind = ProviderKind.fromYaml(kindName == null ? "" : kindName)
                .orElseThrow(() -> new IllegalArgumentException("providers.kind: \"" + kindName + "\" (expected one of: "
                        + ProviderKind.allYamlNames() + ")"));
        String baseUrl = string(n, "baseUrl");
        UpstreamTimeouts timeouts = readTimeouts(n.path("timeouts"));
        JsonNode m = n.path("mock");
        MockOptions mock = m.isObject() ? new MockOptions(Duration.parse(m.path("latency").asText()),
                Duration.parse(m.path("chunkDelay").asText()), m.path("chunks").asInt(),
                m.path("chunkChars").asInt(), m.path("embeddingDimensions").asInt()) : null;
        return new Provider(string(n, "name"), kind, baseUrl == null ? null : URI.create(baseUrl),
                string(n, "apiKey"), string(n, "apiVersion"), n.path("enabled").asBoolean(true),
                timeouts == null ? UpstreamTimeouts.DEFAULTS : timeouts,
                mock, string(n, "priceFamily"));
    }

    private static UpstreamTimeouts readTimeouts(JsonNode t) {
        if (!t.isObject()) {
            return null;
        }
        return new UpstreamTimeouts(Duration.parse(t.path("connect").asText()), Duration.parse(t.path("firstByte").asText()),
                Duration.parse(t.path("idle").asText()), Duration.parse(t.path("total").asText()));
    }

    private static Deployment readDeployment(JsonNode n) {
        JsonNode p = n.path("price");
        Price price = null;
        if (p.isObject()) {
            String from = string(p, "effectiveFrom");
            price = new Price(decimal(p, "input"), decimal(p, "cachedInput"), decimal(p, "cacheWrite"),
                    decimal(p, "output"), decimal(p, "reasoning"), from == null ? null : LocalDate.parse(from));
        }
        return new Deployment(string(n, "name"), string(n, "provider"), string(n, "model"),
                required(n, "weight").asInt(), price, readTimeouts(n.path("timeouts")));
    }

    private static Route readRoute(JsonNode n) {
        String strategyName = string(n, "strategy");
        RoutingStrategy strategy = RoutingStrategy.fromYaml(strategyName == null ? "" : strategyName)
                .orElseThrow(() -> new IllegalArgumentException("routes.strategy: \"" + strategyName + "\" (expected one of: "
                        + RoutingStrategy.allYamlNames() + ")"));
        return new Route(string(n, "model"), strings(n.path("deployments")), strategy, strings(n.path("fallbacks")),
                required(n, "maxAttempts").asInt(),
                n.path("maxEjectionPercent").asInt(Route.DEFAULT_MAX_EJECTION_PERCENT), strings(n.path("aliases")));
    }

    private static VirtualKey readKey(JsonNode n) {
        String tenant = string(n, "tenant");
        String[] parts = tenant == null ? new String[0] : tenant.split("/", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("keys.tenant: \"" + tenant + "\" (expected: organization/project/environment)");
        }
        String expiresAt = string(n, "expiresAt");
        return new VirtualKey(string(n, "id"), string(n, "hash"), new TenantPath(parts[0], parts[1], parts[2]),
                new LinkedHashSet<>(strings(n.path("models"))), expiresAt == null ? null : Instant.parse(expiresAt),
                n.path("revoked").asBoolean(false));
    }

    private static JsonNode required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(field + ": missing");
        }
        return v;
    }

    private static String string(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static BigDecimal decimal(JsonNode n, String field) {
        String v = string(n, field);
        return v == null ? null : new BigDecimal(v);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
