package io.brokle.control.service;

import io.brokle.control.api.ApiException;
import io.brokle.control.api.Views.EnvironmentView;
import io.brokle.control.api.Views.OrganizationView;
import io.brokle.control.api.Views.ProjectView;
import io.brokle.control.audit.AuditChange.Actor;
import io.brokle.control.audit.AuditChange;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Project;
import io.brokle.control.core.Role;
import io.brokle.control.db.Constraints;
import io.brokle.control.db.EnvironmentDao;
import io.brokle.control.db.MembershipDao;
import io.brokle.control.db.OrganizationDao;
import io.brokle.control.db.ProjectDao;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Organizations, projects and environments. Callers have checked the caller's permission
 * ({@link io.brokle.control.auth.Authorizer}) and validated the input; each change and its audit
 * row commit together.
 */
public final class TenancyService {
    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Clock clock;

    public TenancyService(Jdbi jdbi, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.clock = clock;
    }

    /** A new organization whose creator is its owner; 409 when the slug is taken. */
    public OrganizationView createOrganization(UserPrincipal caller, String slug, String name) {
        Organization organization = Organization.create(slug, name, clock.instant());
        OrganizationView view = OrganizationView.of(organization, Role.OWNER);
        write(() -> jdbi.useTransaction(h -> {
            h.attach(OrganizationDao.class).insert(organization);
            h.attach(MembershipDao.class).insert(caller.userId(), organization.id(), Role.OWNER,
                    organization.createdAt());
            record(h, caller, "organization.create", "organization", organization.id(), organization.id(), null, null,
                    null, view);
        }), "organizations_slug_unique", "slug", "slug: an organization with this slug exists: " + slug);
        return view;
    }

    public OrganizationView renameOrganization(Access access, String name) {
        Organization before = access.organization();
        Organization after = new Organization(before.id(), before.slug(), name, before.createdAt());
        jdbi.useTransaction(h -> {
            h.attach(OrganizationDao.class).updateName(before.id(), name);
            record(h, access.caller(), "organization.update", "organization", before.id(), before.id(), null, null,
                    OrganizationView.of(before, null), OrganizationView.of(after, null));
        });
        return OrganizationView.of(after, access.role());
    }

    public List<ProjectView> listProjects(Access access) {
        return jdbi.onDemand(ProjectDao.class).listByOrganization(access.organizationId()).stream()
                .map(ProjectView::of).toList();
    }

    /** The project {@code slug} of the organization; 404 when there is none. */
    public Project project(Access access, String slug) {
        return jdbi.onDemand(ProjectDao.class).findBySlug(access.organizationId(), slug)
                .orElseThrow(() -> ApiException.notFound("project not found: " + slug));
    }

    public ProjectView createProject(Access access, String slug, String name) {
        Project project = Project.create(access.organizationId(), slug, name, clock.instant());
        write(() -> jdbi.useTransaction(h -> {
            h.attach(ProjectDao.class).insert(project);
            record(h, access.caller(), "project.create", "project", project.id(), project.organizationId(),
                    project.id(), null, null, ProjectView.of(project));
        }), "projects_slug_unique", "slug", "slug: a project with this slug exists: " + slug);
        return ProjectView.of(project);
    }

    public ProjectView renameProject(Access access, Project before, String name) {
        Project after = new Project(before.id(), before.organizationId(), before.slug(), name, before.createdAt());
        jdbi.useTransaction(h -> {
            h.attach(ProjectDao.class).updateName(before.id(), name);
            record(h, access.caller(), "project.update", "project", before.id(), before.organizationId(), before.id(),
                    null, ProjectView.of(before), ProjectView.of(after));
        });
        return ProjectView.of(after);
    }

    /** Deletes a project without environments; 409 while it has some. */
    public void deleteProject(Access access, Project project) {
        write(() -> jdbi.useTransaction(h -> {
            h.attach(ProjectDao.class).delete(project.id());
            record(h, access.caller(), "project.delete", "project", project.id(), project.organizationId(),
                    project.id(), null, ProjectView.of(project), null);
        }), null, null, "project " + project.slug() + " has environments: delete them first");
    }

    public List<EnvironmentView> listEnvironments(Project project) {
        return jdbi.onDemand(EnvironmentDao.class).listByProject(project.id()).stream()
                .map(EnvironmentView::of).toList();
    }

    /** The environment {@code name} of the project; 404 when there is none. */
    public Environment environment(Project project, String name) {
        return jdbi.onDemand(EnvironmentDao.class).findByName(project.id(), name)
                .orElseThrow(() -> ApiException.notFound("environment not found: " + project.slug() + "/" + name));
    }

    public EnvironmentView createEnvironment(Access access, Project project, String name) {
        Environment environment = Environment.create(project.id(), name, clock.instant());
        write(() -> jdbi.useTransaction(h -> {
            h.attach(EnvironmentDao.class).insert(environment);
            record(h, access.caller(), "environment.create", "environment", environment.id(),
                    project.organizationId(), project.id(), environment.id(), null, EnvironmentView.of(environment));
        }), "environments_name_unique", "name", "name: project " + project.slug() + " has an environment named "
                + name);
        return EnvironmentView.of(environment);
    }

    /** Deletes an environment that nothing refers to; 409 while keys or providers belong to it. */
    public void deleteEnvironment(Access access, Project project, Environment environment) {
        write(() -> jdbi.useTransaction(h -> {
            h.attach(EnvironmentDao.class).delete(environment.id());
            record(h, access.caller(), "environment.delete", "environment", environment.id(),
                    project.organizationId(), project.id(), environment.id(), EnvironmentView.of(environment), null);
        }), null, null, "environment " + project.slug() + "/" + environment.name()
                + " still has virtual keys or providers: delete them first");
    }

    private void record(Handle h, UserPrincipal caller, String action, String targetType, Object targetId,
                        UUID organizationId, UUID projectId, UUID environmentId,
                        Object before, Object after) {
        audit.record(h, AuditChange.by(Actor.user(caller), action, targetType, targetId)
                .in(organizationId, projectId, environmentId).before(before).after(after));
    }

    /**
     * Runs a write, turning a violation of {@code uniqueConstraint} (or, when that is null, of a
     * foreign key) into 409 with {@code message}.
     */
    private static void write(Runnable write, String uniqueConstraint, String param, String message) {
        try {
            write.run();
        } catch (UnableToExecuteStatementException e) {
            boolean conflict = uniqueConstraint == null ? Constraints.isForeignKeyViolation(e)
                    : Constraints.isUniqueViolation(e, uniqueConstraint);
            if (conflict) {
                throw ApiException.conflict(param, message);
            }
            throw e;
        }
    }
}
