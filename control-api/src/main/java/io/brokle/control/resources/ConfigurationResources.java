package io.brokle.control.resources;

import io.brokle.control.ControlServices;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.Authorizer;
import io.brokle.control.service.TenancyService;
import java.util.List;

/**
 * The resources for what proxies serve, per environment: virtual keys, providers, deployments
 * and routes, each on its own root under {@code /api/v1/orgs/{org}/projects/{project}/environments/{env}}.
 */
public final class ConfigurationResources {
    private ConfigurationResources() {
    }

    /** The four resources over {@code services}, checked by {@code authorizer} and audited in {@code auditLog}. */
    public static List<Object> create(Authorizer authorizer, TenancyService tenancy, AuditLog auditLog,
                                      ControlServices services) {
        EnvironmentScope scopes = new EnvironmentScope(authorizer, tenancy, auditLog, services.jdbi());
        return List.of(new KeyResource(scopes, services), new ProviderResource(scopes, services),
                new DeploymentResource(scopes, services), new RouteResource(scopes, services));
    }
}
