package io.brokle.control.resources;

import io.brokle.control.api.ApiException;
import io.brokle.control.audit.AuditChange;
import io.brokle.control.audit.AuditChange.Actor;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.Authorizer;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Project;
import io.brokle.control.service.TenancyService;
import io.brokle.control.snapshot.InvalidChangeException;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * What the key, provider, deployment and route resources share: finding the environment of a
 * path ({@code /orgs/{org}/projects/{project}/environments/{env}}) after the caller's permission
 * is checked (404 for another tenant, 403 naming the role), and running a service's change
 * together with its audit row in one transaction, its errors answered as the API's.
 */
final class EnvironmentScope {
    /** The environment of a path, with the caller's access to its organization. */
    record Scope(Access access, Project project, Environment environment) {
        UUID environmentId() {
            return environment.id();
        }

        UUID actor() {
            return access.caller().userId();
        }

        /** A 404 for something named in the path that is not in this environment. */
        ApiException notFound(String what) {
            return ApiException.notFound(what + " not found in " + project.slug() + "/" + environment.name());
        }
    }

    private final Authorizer authorizer;
    private final TenancyService tenancy;
    private final AuditLog auditLog;
    private final Jdbi jdbi;

    EnvironmentScope(Authorizer authorizer, TenancyService tenancy, AuditLog auditLog, Jdbi jdbi) {
        this.authorizer = authorizer;
        this.tenancy = tenancy;
        this.auditLog = auditLog;
        this.jdbi = jdbi;
    }

    Scope require(UserPrincipal caller, String org, String project, String env, Permission permission) {
        Access access = authorizer.require(caller, org, permission);
        Project p = tenancy.project(access, project);
        return new Scope(access, p, tenancy.environment(p, env));
    }

    /** What a change did, for its audit row. */
    record Outcome<T>(T result, Object targetId, Object before, Object after) {
    }

    /**
     * Runs {@code change} (a service call) and writes its audit row ({@code action} on a
     * {@code targetType}) in one transaction: the service's change joins it, so either both commit
     * or neither does. Service errors become API errors: {@link InvalidChangeException} 400 naming
     * the field (snake_case), {@link NoSuchElementException} 404, {@link IllegalStateException} 409.
     */
    <T> T change(Scope scope, String action, String targetType, Supplier<Outcome<T>> change) {
        return translated(() -> jdbi.inTransaction(h -> {
            // The service's own transaction on this thread's handle joins this one (Jdbi reuses it).
            Outcome<T> outcome = change.get();
            auditLog.record(h, AuditChange.by(Actor.user(scope.access().caller()), action, targetType, outcome.targetId())
                    .in(scope.access().organizationId(), scope.project().id(), scope.environmentId())
                    .before(outcome.before()).after(outcome.after()));
            return outcome.result();
        }));
    }

    static <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (InvalidChangeException e) {
            throw invalid(e);
        } catch (NoSuchElementException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw ApiException.conflict(null, e.getMessage());
        }
    }

    /** 400 whose param is the first problem's field in snake_case, each problem's field renamed likewise. */
    static ApiException invalid(InvalidChangeException e) {
        String param = null;
        StringBuilder message = new StringBuilder();
        for (String problem : e.problems()) {
            int colon = problem.indexOf(':');
            String field = colon > 0 ? snake(problem.substring(0, colon)) : null;
            if (param == null && field != null && !field.contains(" ")) {
                param = field;
            }
            if (!message.isEmpty()) {
                message.append("; ");
            }
            message.append(field == null || field.contains(" ") ? problem : field + problem.substring(colon));
        }
        return ApiException.badRequest(param, message.toString());
    }

    /** {@code allowedModels[0]} -> {@code allowed_models[0]}. */
    static String snake(String field) {
        StringBuilder out = new StringBuilder(field.length() + 4);
        for (char c : field.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
