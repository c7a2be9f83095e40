package io.brokle.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.brokle.config.SnapshotValidator.Item;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a gateway YAML file into a {@link GatewayConfig}. Substitutes {@code ${ENV}} and
 * {@code ${ENV:-default}} in values, rejects unknown fields, and reports every problem at once
 * through {@link ConfigException}. The file format is documented in the README's configuration
 * reference; {@code config/brokle.yml} and {@code config/gateway.yml} are examples.
 */
public final class SnapshotCodec {
    /** A repeated key in a mapping is an error, not a silent "last one wins". */
    static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final Set<String> SECRET_FIELDS = Set.of("apiKey", "keyPepper", "secretAccessKey", "sessionToken");

    private SnapshotCodec() {
    }

    /**
     * @param yaml the file's text
     * @param env  environment lookup, {@code System::getenv} in production; returns {@code null} when unset
     * @return the configuration, its snapshot at version 0
     * @throws ConfigException listing every problem found
     */
    public static GatewayConfig parse(String yaml, Function<String, String> env) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            var loc = e.getLocation();
            throw new ConfigException("not valid YAML" + (loc == null ? "" : " at line " + loc.getLineNr()
                    + ", column " + loc.getColumnNr()) + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("the file is empty (expected: a mapping with providers, deployments, routes)");
        }
        if (!root.isObject()) {
            throw new ConfigException("the file is not a mapping (expected: server, auth, providers, deployments, routes, keys)");
        }
        List<String> problems = new ArrayList<>();
        ConfigNode top = new ConfigNode(root, "", env, problems, SECRET_FIELDS);
        top.allowOnly("server", "auth", "providers", "deployments", "routes", "keys");

        ServerSettings server = readServer(top.object("server"));
        String pepper = null;
        ConfigNode auth = top.object("auth");
        if (auth != null) {
            auth.allowOnly("keyPepper");
            pepper = auth.string("keyPepper");
            if (pepper != null && pepper.isBlank()) {
                pepper = null;
            } else if (pepper != null && pepper.length() < 16) {
                auth.problem("auth.keyPepper: too short (expected: at least 16 characters)");
            }
        }
        List<Item<Provider>> providers = new ArrayList<>();
        for (ConfigNode p : top.objects("providers")) {
            providers.add(readProvider(p));
        }
        List<Item<Deployment>> deployments = new ArrayList<>();
        for (ConfigNode d : top.objects("deployments")) {
            d.allowOnly("name", "provider", "model", "weight", "price", "timeouts");
            String name = d.name("name");
            String provider = d.name("provider");
            String model = d.requiredString("model");
            int weight = d.integer("weight", Deployment.DEFAULT_WEIGHT, 0, 1_000_000);
            ConfigNode priceNode = d.object("price");
            Price price = priceNode == null ? null : PriceTable.readPrice(priceNode, false);
            boolean priceOk = priceNode == null ? !d.has("price") : price != null;
            // Fields a deployment does not set come from its provider's limits.
            UpstreamTimeouts base = providers.stream().filter(i -> i.value() != null && i.value().name().equals(provider))
                    .map(i -> i.value().timeouts()).findFirst().orElse(UpstreamTimeouts.DEFAULTS);
            ConfigNode timeoutsNode = d.object("timeouts");
            UpstreamTimeouts timeouts = timeoutsNode == null ? null : readTimeouts(timeoutsNode, base);
            deployments.add(new Item<>(d.path(), name, provider == null ? List.of() : List.of(provider),
                    name == null || provider == null || model == null || !priceOk ? null
                            : new Deployment(name, provider, model, weight, price, timeouts)));
        }
        List<Item<Route>> routes = new ArrayList<>();
        for (ConfigNode r : top.objects("routes")) {
            r.allowOnly("model", "aliases", "deployments", "strategy", "fallbacks", "maxAttempts", "maxEjectionPercent");
            String model = r.name("model");
            List<String> targets = r.strings("deployments");
            if (targets.isEmpty()) {
                r.problem(r.childPath("deployments") + ": missing or empty (expected: at least one deployment name)");
            }
            RoutingStrategy strategy = RoutingStrategy.WEIGHTED;
            String strategyName = r.string("strategy");
            if (strategyName != null) {
                strategy = RoutingStrategy.fromYaml(strategyName).orElse(null);
                if (strategy == null) {
                    r.problem(r.childPath("strategy") + ": unknown strategy \"" + strategyName + "\" (expected one of: "
                            + RoutingStrategy.allYamlNames() + ")");
                }
            }
            List<String> fallbacks = r.strings("fallbacks");
            List<String> aliases = r.strings("aliases");
            int maxAttempts = r.integer("maxAttempts", Route.DEFAULT_MAX_ATTEMPTS, 1, Route.MAX_ATTEMPTS_LIMIT);
            int maxEjectionPercent = r.integer("maxEjectionPercent", Route.DEFAULT_MAX_EJECTION_PERCENT, 0, 100);
            boolean complete = model != null && !targets.isEmpty() && !targets.contains(null) && strategy != null
                    && !fallbacks.contains(null) && !aliases.contains(null);
            routes.add(new Item<>(r.path(), model, targets,
                    complete ? new Route(model, targets, strategy, fallbacks, maxAttempts, maxEjectionPercent, aliases) : null));
        }
        List<Item<VirtualKey>> keys = new ArrayList<>();
        for (ConfigNode k : top.objects("keys")) {
            keys.add(readKey(k));
        }
        // Cross-references are checked even when fields had problems, so one run reports everything.
        SnapshotValidator.validateInto(providers, deployments, routes, keys, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        // Without problems every item has its record.
        GatewaySnapshot snapshot = GatewaySnapshot.of(0, values(providers), values(deployments), values(routes),
                values(keys));
        return new GatewayConfig(server, pepper, snapshot);
    }

    private static <T> List<T> values(List<Item<T>> items) {
        return items.stream().map(Item::value).toList();
    }

    private static ServerSettings readServer(ConfigNode s) {
        if (s == null) {
            return ServerSettings.DEFAULTS;
        }
        s.allowOnly("host", "port", "maxBodyBytes", "maxHeaderBytes", "requestReadTimeout", "idleTimeout",
                "shutdownGrace", "dataDir", "maxInFlight");
        String host = s.string("host");
        // Each reader checks what the constructor requires, so a bad value is a problem, not an exception.
        return new ServerSettings(
                host == null || host.isBlank() ? ServerSettings.DEFAULT_HOST : host.trim(),
                s.integer("port", ServerSettings.DEFAULT_PORT, 0, 65535),
                s.bytes("maxBodyBytes", ServerSettings.DEFAULT_MAX_BODY_BYTES, 1),
                s.bytes("maxHeaderBytes", ServerSettings.DEFAULT_MAX_HEADER_BYTES, 1024),
                s.duration("requestReadTimeout", ServerSettings.DEFAULT_REQUEST_READ_TIMEOUT, false),
                s.duration("idleTimeout", ServerSettings.DEFAULT_IDLE_TIMEOUT, false),
                s.duration("shutdownGrace", ServerSettings.DEFAULT_SHUTDOWN_GRACE, false),
                s.pathValue("dataDir", ServerSettings.DEFAULT_DATA_DIR),
                s.integer("maxInFlight", ServerSettings.DEFAULT_MAX_IN_FLIGHT, 1, Integer.MAX_VALUE));
    }

    private static Item<Provider> readProvider(ConfigNode p) {
        p.allowOnly("name", "kind", "preset", "baseUrl", "apiKey", "apiVersion", "enabled", "timeouts", "mock",
                "priceFamily", "region", "accessKeyId", "secretAccessKey", "sessionToken");
        String name = p.name("name");
        String priceFamily = readPriceFamily(p);
        String kindName = p.requiredString("kind");
        ProviderKind kind = null;
        if (kindName != null) {
            kind = ProviderKind.fromYaml(kindName.trim()).orElse(null);
            if (kind == null) {
                p.problem(p.childPath("kind") + ": unknown kind \"" + kindName + "\" (expected one of: "
                        + ProviderKind.allYamlNames() + ")");
            }
        }
        ProviderPreset preset = readPreset(p, kind);
        boolean enabled = p.bool("enabled", true);
        String apiKey = p.string("apiKey");
        if (apiKey != null && apiKey.isBlank()) {
            // The documented switch: a credential whose variable is unset leaves the provider off.
            enabled = false;
            apiKey = null;
        }
        UpstreamTimeouts timeouts = readTimeouts(p.object("timeouts"));
        if (kind == null || name == null) {
            return new Item<>(p.path(), name, List.of(), null);
        }
        if (kind != ProviderKind.BEDROCK) {
            for (String f : BEDROCK_FIELDS) {
                if (p.has(f)) {
                    p.problem(p.childPath(f) + ": only for kind bedrock (remove it)");
                }
            }
        }
        Provider provider = switch (kind) {
            case MOCK -> {
                for (String f : List.of("preset", "baseUrl", "apiKey", "apiVersion")) {
                    if (p.has(f)) {
                        p.problem(p.childPath(f) + ": not used by kind mock (remove it)");
                    }
                }
                yield new Provider(name, kind, null, null, null, enabled, timeouts, readMock(p.object("mock")),
                        priceFamily);
            }
            case OPENAI, AZURE, ANTHROPIC, COHERE, GEMINI -> {
                if (p.has("mock")) {
                    p.problem(p.childPath("mock") + ": only for kind mock (remove it)");
                }
                // What the file sets wins over the preset.
                var baseUrl = preset != null && preset.baseUrl() != null && !p.has("baseUrl") ? preset.baseUrl()
                        : p.httpUrl("baseUrl");
                if (priceFamily == null && preset != null) {
                    priceFamily = preset.priceFamily();
                }
                String apiVersion = p.string("apiVersion");
                if (kind == ProviderKind.AZURE && (apiVersion == null || apiVersion.isBlank())) {
                    p.problem(p.childPath("apiVersion") + ": missing (required for kind azure, e.g. 2024-10-21)");
                }
                if (!p.has("apiKey")) {
                    if (kind == ProviderKind.AZURE || kind == ProviderKind.ANTHROPIC || kind == ProviderKind.COHERE
                            || kind == ProviderKind.GEMINI) {
                        p.problem(p.childPath("apiKey") + ": missing (required for kind " + kind.yamlName() + ")");
                    } else if (preset != null && preset.needsKey()) {
                        // An absent field is a mistake; one that resolves empty switches the provider off.
                        p.problem(p.childPath("apiKey") + ": missing (preset " + preset.yamlName()
                                + " needs a key, e.g. ${" + preset.keyVariable() + ":-})");
                    }
                }
                if ((kind == ProviderKind.OPENAI || kind == ProviderKind.COHERE
                            || kind == ProviderKind.GEMINI) && apiVersion != null) {
                    p.problem(p.childPath("apiVersion") + ": only for kinds azure and anthropic (remove it)");
                }
                yield baseUrl == null ? null
                        : new Provider(name, kind, baseUrl, apiKey, apiVersion, enabled, timeouts, null, priceFamily);
            }
            case BEDROCK -> readBedrock(p, name, enabled, timeouts, priceFamily);
        };
        return new Item<>(p.path(), name, List.of(), provider);
    }

    /** The fields of a {@code bedrock} provider that no other kind takes. */
    private static final List<String> BEDROCK_FIELDS = List.of("region", "accessKeyId", "secretAccessKey", "sessionToken");

    /**
     * A {@code bedrock} provider: {@code region} (required), {@code accessKeyId} and
     * {@code secretAccessKey} (required fields; either resolving empty switches the provider off,
     * like an empty {@code apiKey}), {@code sessionToken} (optional), {@code baseUrl} (default
     * {@code https://bedrock-runtime.{region}.amazonaws.com}).
     */
    private static Provider readBedrock(ConfigNode p, String name, boolean enabled, UpstreamTimeouts timeouts,
                                        String priceFamily) {
        for (String f : List.of("apiKey", "apiVersion", "mock")) {
            if (p.has(f)) {
                p.problem(p.childPath(f) + ": not used by kind bedrock (remove it; Bedrock requests are signed "
                        + "with region, accessKeyId and secretAccessKey)");
            }
        }
        String region = p.requiredString("region");
        if (region != null) {
            region = region.trim().toLowerCase(Locale.ROOT);
            if (!AwsSigning.REGION.matcher(region).matches()) {
                p.problem(p.childPath("region") + ": \"" + region + "\" (expected: an AWS region like us-east-1)");
                region = null;
            }
        }
        String accessKeyId = credential(p, "accessKeyId");
        String secretAccessKey = credential(p, "secretAccessKey");
        if (accessKeyId == null || secretAccessKey == null) {
            enabled = false;
        }
        String sessionToken = p.string("sessionToken");
        if (sessionToken != null && sessionToken.isBlank()) {
            sessionToken = null;
        }
        java.net.URI baseUrl;
        if (p.has("baseUrl")) {
            baseUrl = p.httpUrl("baseUrl");
        } else {
            baseUrl = region == null ? null : java.net.URI.create("https://bedrock-runtime." + region + ".amazonaws.com");
        }
        if (region == null || baseUrl == null) {
            return null;
        }
        return new Provider(name, ProviderKind.BEDROCK, baseUrl, null, null, enabled, timeouts, null, priceFamily,
                new AwsSigning(region, accessKeyId, secretAccessKey, sessionToken));
    }

    /** A required credential field; {@code null} (not a problem) when it resolved empty. */
    private static String credential(ConfigNode p, String field) {
        if (!p.has(field)) {
            p.problem(p.childPath(field) + ": missing (required for kind bedrock, e.g. ${AWS_"
                    + (field.equals("accessKeyId") ? "ACCESS_KEY_ID" : "SECRET_ACCESS_KEY") + ":-})");
            return null;
        }
        String value = p.string(field);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /**
     * The provider's {@link ProviderPreset}, or {@code null} when absent, empty, or after a problem
     * (unknown, or made for another kind). Kind {@code mock} reports a preset itself.
     */
    private static ProviderPreset readPreset(ConfigNode p, ProviderKind kind) {
        String raw = p.string("preset");
        if (raw == null || raw.isBlank()) {
            return null;
        }
        ProviderPreset preset = ProviderPreset.fromYaml(raw).orElse(null);
        if (preset == null) {
            p.problem(p.childPath("preset") + ": unknown preset \"" + raw + "\" (expected one of: "
                    + ProviderPreset.allYamlNames() + ")");
            return null;
        }
        if (kind == null || kind == ProviderKind.MOCK) {
            return null;
        }
        if (preset.kind() != kind) {
            p.problem(p.childPath("preset") + ": preset " + preset.yamlName() + " is for kind "
                    + preset.kind().yamlName() + " (this provider is kind " + kind.yamlName() + ")");
            return null;
        }
        return preset;
    }

    /** A family of the shipped {@link PriceTable}, or {@code null} when absent (or after a problem). */
    private static String readPriceFamily(ConfigNode p) {
        String family = p.string("priceFamily");
        if (family == null || family.isBlank()) {
            return null;
        }
        family = family.trim().toLowerCase(Locale.ROOT);
        var known = PriceTable.shipped().families();
        if (!known.contains(family)) {
            p.problem(p.childPath("priceFamily") + ": unknown price family \"" + family + "\" (known: "
                    + String.join(", ", known.stream().sorted().toList()) + ")");
            return null;
        }
        return family;
    }

    private static UpstreamTimeouts readTimeouts(ConfigNode t) {
        return t == null ? UpstreamTimeouts.DEFAULTS : readTimeouts(t, UpstreamTimeouts.DEFAULTS);
    }

    /** Time limits from {@code t}; fields it does not set are {@code base}'s. */
    private static UpstreamTimeouts readTimeouts(ConfigNode t, UpstreamTimeouts base) {
        t.allowOnly("connect", "firstByte", "idle", "total");
        return new UpstreamTimeouts(
                t.duration("connect", base.connect(), false),
                t.duration("firstByte", base.firstByte(), false),
                t.duration("idle", base.idle(), false),
                t.duration("total", base.total(), false));
    }

    private static MockOptions readMock(ConfigNode m) {
        if (m == null) {
            return MockOptions.DEFAULTS;
        }
        m.allowOnly("latency", "chunkDelay", "chunks", "chunkChars", "embeddingDimensions");
        return new MockOptions(
                m.duration("latency", MockOptions.DEFAULT_LATENCY, true),
                m.duration("chunkDelay", MockOptions.DEFAULT_CHUNK_DELAY, true),
                m.integer("chunks", MockOptions.DEFAULT_CHUNKS, 1, 100_000),
                m.integer("chunkChars", MockOptions.DEFAULT_CHUNK_CHARS, 1, 1_000_000),
                m.integer("embeddingDimensions", MockOptions.DEFAULT_EMBEDDING_DIMENSIONS, 1, 65_536));
    }

    private static Item<VirtualKey> readKey(ConfigNode k) {
        k.allowOnly("id", "hash", "tenant", "models", "expiresAt", "revoked");
        String id = k.name("id");
        String hash = k.requiredString("hash");
        if (hash != null) {
            hash = hash.trim().toLowerCase(Locale.ROOT);
            if (!hash.matches("[0-9a-f]{64}")) {
                k.problem(k.childPath("hash") + ": not a key hash (expected: 64 hex digits, as printed by "
                        + "'scripts/run new-key'; never the key itself)");
                hash = null;
            }
        }
        String tenantText = k.requiredString("tenant");
        TenantPath tenant = null;
        if (tenantText != null) {
            String[] parts = tenantText.trim().split("/", -1);
            if (parts.length != 3 || List.of(parts).stream().anyMatch(s -> !s.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))) {
                k.problem(k.childPath("tenant") + ": \"" + tenantText
                        + "\" (expected: organization/project/environment, e.g. acme/search/prod)");
            } else {
                tenant = new TenantPath(parts[0], parts[1], parts[2]);
            }
        }
        // The list as written: the validator reports unknown and repeated models by their index in the file.
        List<String> models = k.strings("models");
        var expiresAt = k.instant("expiresAt");
        boolean revoked = k.bool("revoked", false);
        return new Item<>(k.path(), id, models, id == null || hash == null || tenant == null || models.contains(null)
                ? null : new VirtualKey(id, hash, tenant, new LinkedHashSet<>(models), expiresAt, revoked));
    }
}
