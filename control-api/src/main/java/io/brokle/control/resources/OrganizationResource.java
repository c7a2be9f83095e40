package io.brokle.control.resources;

import io.brokle.control.api.Requests;
import io.brokle.control.api.Validation;
import io.brokle.control.api.Views.AuditEntryView;
import io.brokle.control.api.Views.ListOf;
import io.brokle.control.api.Views.OrganizationView;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.Authorizer;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.service.AccountService;
import io.brokle.control.service.TenancyService;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jdbi.v3.core.Jdbi;

/**
 * Organizations ({@code /api/v1/orgs}, {@code /api/v1/orgs/{org}}) and their audit log
 * ({@code /api/v1/orgs/{org}/audit}). {@code {org}} is the organization's slug.
 */
@Path("/api/v1/orgs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class OrganizationResource {
    private final TenancyService tenancy;
    private final Authorizer authorizer;
    private final AuditLog audit;
    private final Jdbi jdbi;
    private final AccountService accounts;

    public OrganizationResource(TenancyService tenancy, Authorizer authorizer, AuditLog audit, Jdbi jdbi,
                                AccountService accounts) {
        this.tenancy = tenancy;
        this.authorizer = authorizer;
        this.audit = audit;
        this.jdbi = jdbi;
        this.accounts = accounts;
    }

    /** The caller's organizations, with its role in each. */
    @GET
    public ListOf<OrganizationView> list(@Auth UserPrincipal caller) {
        return ListOf.of(accounts.me(caller).organizations());
    }

    @POST
    public Response create(@Auth UserPrincipal caller, Requests.CreateOrganization body) {
        Validation.body(body);
        String slug = Validation.slug("slug", body.slug());
        String name = Validation.name("name", body.name());
        return Response.status(201).entity(tenancy.createOrganization(caller, slug, name)).build();
    }

    @GET
    @Path("{org}")
    public OrganizationView get(@Auth UserPrincipal caller, @PathParam("org") String org) {
        Access access = authorizer.require(caller, org, Permission.READ_ORGANIZATION);
        return OrganizationView.of(access.organization(), access.role());
    }

    @PATCH
    @Path("{org}")
    public OrganizationView rename(@Auth UserPrincipal caller, @PathParam("org") String org, Requests.Rename body) {
        Access access = authorizer.require(caller, org, Permission.MANAGE_ORGANIZATION);
        Validation.body(body);
        return tenancy.renameOrganization(access, Validation.name("name", body.name()));
    }

    /**
     * A page of the organization's audit log, newest first; {@code action} (e.g.
     * {@code project.create}), {@code target_type} (e.g. {@code project}) and {@code target}
     * (e.g. {@code project:<id>}) narrow it.
     */
    @GET
    @Path("{org}/audit")
    public ListOf<AuditEntryView> audit(@Auth UserPrincipal caller, @PathParam("org") String org,
                                        @QueryParam("action") String action,
                                        @QueryParam("target_type") String targetType,
                                        @QueryParam("target") String target,
                                        @QueryParam("limit") String limit,
                                        @QueryParam("offset") String offset) {
        Access access = authorizer.require(caller, org, Permission.READ_AUDIT);
        int pageSize = Validation.intParam("limit", limit, 50, 1, AuditLog.MAX_PAGE);
        int skip = Validation.intParam("offset", offset, 0, 0, 1_000_000);
        AuditLog.Filter filter = new AuditLog.Filter(access.organizationId(), blankToNull(action),
                blankToNull(targetType), blankToNull(target));
        AuditLog.Page page = jdbi.withHandle(h -> audit.page(h, filter, pageSize, skip));
        return ListOf.page(page.entries(), page.hasMore());
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
