package io.brokle.control.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.brokle.control.testing.ManagementApi;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document in the repository matches the running application: every operation of
 * every registered resource under {@code /api/v1} is documented, nothing documented is missing,
 * and every {@code $ref} resolves. A new endpoint without documentation fails this test.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class OpenApiDocumentTest {
    private static final ManagementApi API = ManagementApi.onH2();
    @SuppressWarnings("unused")
    private static final DropwizardAppExtension<?> APP = API.app;

    private static JsonNode document() throws Exception {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(OpenApiResource.RESOURCE)) {
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        }
    }

    /** "GET /api/v1/orgs/{org}" for every operation the application serves under /api/v1. */
    private static Set<String> servedOperations() {
        Set<String> operations = new TreeSet<>();
        // Dropwizard registers each resource instance's class (and binds the instance to it).
        for (Class<?> c : API.app.getEnvironment().jersey().getResourceConfig().getClasses()) {
            if (c.isAnnotationPresent(jakarta.ws.rs.Path.class)) {
                collect(Resource.from(c), "", operations);
            }
        }
        operations.removeIf(o -> !o.contains(" /api/v1/"));
        return operations;
    }

    private static void collect(Resource resource, String parent, Set<String> out) {
        String path = join(parent, resource.getPath());
        for (ResourceMethod m : resource.getResourceMethods()) {
            out.add(m.getHttpMethod() + " " + path);
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, out);
        }
    }

    private static String join(String parent, String path) {
        if (path == null || path.isEmpty()) {
            return parent;
        }
        // {name: regex} (a parameter that may hold '/') is documented as {name}
        String p = (parent + "/" + path).replaceAll("/+", "/").replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
        return p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
    }

    private static Set<String> documentedOperations(JsonNode doc) {
        Set<String> operations = new TreeSet<>();
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!op.getKey().equals("parameters")) {
                operations.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
            }
        }));
        return operations;
    }

    @Test
    void everyServedOperationIsDocumentedAndNothingMore() throws Exception {
        Set<String> served = servedOperations();
        Set<String> documented = documentedOperations(document());

        assertTrue(served.size() >= 25, served.toString());
        Set<String> undocumented = new TreeSet<>(served);
        undocumented.removeAll(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(served);
        assertEquals(Set.of(), undocumented, "served but not in openapi.yaml");
        assertEquals(Set.of(), stale, "in openapi.yaml but not served");
    }

    @Test
    void everyReferenceResolvesAndEveryOperationDocumentsItsErrors() throws Exception {
        JsonNode doc = document();
        assertTrue(doc.get("openapi").asText().startsWith("3."));
        List<String> refs = new ArrayList<>();
        doc.findValues("$ref").forEach(r -> refs.add(r.asText()));
        assertFalse(refs.isEmpty());
        for (String ref : refs) {
            assertTrue(ref.startsWith("#/"), ref);
            assertFalse(doc.at(ref.substring(1)).isMissingNode(), "unresolved " + ref);
        }
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (op.getKey().equals("parameters")) {
                return;
            }
            JsonNode security = op.getValue().get("security");
            boolean open = security != null && security.isEmpty();
            if (!open) {
                assertTrue(op.getValue().at("/responses/401").isObject(), op.getKey() + " " + path.getKey() + " lacks 401");
            }
        }));
    }
}
