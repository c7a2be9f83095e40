package io.brokle.control.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.yaml}: the management API's OpenAPI 3 document, the hand-written
 * {@value #RESOURCE} kept in the repository (a test checks that it documents every endpoint).
 */
@Path("/api/v1/openapi.yaml")
public final class OpenApiResource {
    public static final String RESOURCE = "/io/brokle/control/openapi.yaml";

    private final byte[] document;

    public OpenApiResource() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GET
    @Produces("application/yaml")
    public byte[] document() {
        return document.clone();
    }
}
