package io.brokle.control.resources;

import io.brokle.control.api.Requests;
import io.brokle.control.api.Validation;
import io.brokle.control.api.Views.EnvironmentView;
import io.brokle.control.api.Views.ListOf;
import io.brokle.control.api.Views.ProjectView;
import io.brokle.control.auth.Authorizer;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.core.Environment;
import io.brokle.control.core.Project;
import io.brokle.control.service.TenancyService;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Projects ({@code /api/v1/orgs/{org}/projects[/{project}]}) and their environments
 * ({@code .../{project}/environments[/{env}]}), addressed by slug and name.
 */
@Path("/api/v1/orgs/{org}/projects")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ProjectResource {
    private final TenancyService tenancy;
    private final Authorizer authorizer;

    public ProjectResource(TenancyService tenancy, Authorizer authorizer) {
        this.tenancy = tenancy;
        this.authorizer = authorizer;
    }

    @GET
    public ListOf<ProjectView> list(@Auth UserPrincipal caller, @PathParam("org") String org) {
        return ListOf.of(tenancy.listProjects(authorizer.require(caller, org, Permission.READ_ORGANIZATION)));
    }

    @POST
    public Response create(@Auth UserPrincipal caller, @PathParam("org") String org, Requests.CreateProject body) {
        Access access = authorizer.require(caller, org, Permission.MANAGE_PROJECTS);
        Validation.body(body);
        String slug = Validation.slug("slug", body.slug());
        String name = Validation.name("name", body.name());
        return Response.status(201).entity(tenancy.createProject(access, slug, name)).build();
    }

    @GET
    @Path("{project}")
    public ProjectView get(@Auth UserPrincipal caller, @PathParam("org") String org,
                           @PathParam("project") String project) {
        Access access = authorizer.require(caller, org, Permission.READ_ORGANIZATION);
        return ProjectView.of(tenancy.project(access, project));
    }

    @PATCH
    @Path("{project}")
    public ProjectView rename(@Auth UserPrincipal caller, @PathParam("org") String org,
                              @PathParam("project") String project, Requests.Rename body) {
        Access access = authorizer.require(caller, org, Permission.MANAGE_PROJECTS);
        Project p = tenancy.project(access, project);
        Validation.body(body);
        return tenancy.renameProject(access, p, Validation.name("name", body.name()));
    }

    @DELETE
    @Path("{project}")
    public Response delete(@Auth UserPrincipal caller, @PathParam("org") String org,
                           @PathParam("project") String project) {
        Access access = authorizer.require(caller, org, Permission.MANAGE_PROJECTS);
        tenancy.deleteProject(access, tenancy.project(access, project));
        return Response.noContent().build();
    }

    @GET
    @Path("{project}/environments")
    public ListOf<EnvironmentView> environments(@Auth UserPrincipal caller, @PathParam("org") String org,
                                                @PathParam("project") String project) {
        Access access = authorizer.require(caller, org, Permission.READ_ORGANIZATION);
        return ListOf.of(tenancy.listEnvironments(tenancy.project(access, project)));
    }

    @POST
    @Path("{project}/environments")
    public Response createEnvironment(@Auth UserPrincipal caller, @PathParam("org") String org,
                                      @PathParam("project") String project, Requests.CreateEnvironment body) {
        Access access = authorizer.require(caller, org, Permission.MANAGE_PROJECTS);
        Project p = tenancy.project(access, project);
        Validation.body(body);
        String name = Validation.slug("name", body.name());
        return Response.status(201).entity(tenancy.createEnvironment(access, p, name)).build();
    }

    @GET
    @Path("{project}/environments/{env}")
    public EnvironmentView environment(@Auth UserPrincipal caller, @PathParam("org") String org,
                                       @PathParam("project") String project, @PathParam("env") String env) {
        Access access = authorizer.require(caller, org, Permission.READ_ORGANIZATION);
        return EnvironmentView.of(tenancy.environment(tenancy.project(access, project), env));
    }

    @DELETE
    @Path("{project}/environments/{env}")
    public Response deleteEnvironment(@Auth UserPrincipal caller, @PathParam("org") String org,
                                      @PathParam("project") String project, @PathParam("env") String env) {
        Access access = authorizer.require(caller, org, Permission.MANAGE_PROJECTS);
        Project p = tenancy.project(access, project);
        Environment e = tenancy.environment(p, env);
        tenancy.deleteEnvironment(access, p, e);
        return Response.noContent().build();
    }
}
