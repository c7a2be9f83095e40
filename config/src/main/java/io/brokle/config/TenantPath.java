package io.brokle.config;

import java.util.Objects;

/** Where a key, a limit or an analytics row belongs: organization, project and environment. */
public record TenantPath(String organization, String project, String environment) {
    public TenantPath {
        Objects.requireNonNull(organization, "organization");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(environment, "environment");
    }

    @Override
    public String toString() {
        return organization + "/" + project + "/" + environment;
    }
}
