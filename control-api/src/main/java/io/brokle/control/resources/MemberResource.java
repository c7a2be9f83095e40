package io.brokle.control.resources;

import io.brokle.control.api.Requests;
import io.brokle.control.api.Validation;
import io.brokle.control.api.Views.ListOf;
import io.brokle.control.api.Views.MemberView;
import io.brokle.control.auth.Authorizer;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.service.MemberService;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/** Members of an organization: {@code /api/v1/orgs/{org}/members[/{user}]}. */
@Path("/api/v1/orgs/{org}/members")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class MemberResource {
    private final MemberService members;
    private final Authorizer authorizer;

    public MemberResource(MemberService members, Authorizer authorizer) {
        this.members = members;
        this.authorizer = authorizer;
    }

    @GET
    public ListOf<MemberView> list(@Auth UserPrincipal caller, @PathParam("org") String org) {
        return ListOf.of(members.listMembers(authorizer.require(caller, org, Permission.READ_ORGANIZATION)));
    }

    /** Changes a member's role (or lowers one's own); see {@link Authorizer#requireMemberChange}. */
    @PATCH
    @Path("{user}")
    public MemberView changeRole(@Auth UserPrincipal caller, @PathParam("org") String org,
                                 @PathParam("user") String user, Requests.ChangeRole body) {
        Access access = authorizer.require(caller, org, Permission.READ_ORGANIZATION);
        UUID userId = Validation.uuid("user", user);
        Validation.body(body);
        return members.changeRole(access, userId, Validation.role("role", body.role()));
    }

    /** Removes a member, or lets the caller leave. */
    @DELETE
    @Path("{user}")
    public Response remove(@Auth UserPrincipal caller, @PathParam("org") String org, @PathParam("user") String user) {
        Access access = authorizer.require(caller, org, Permission.READ_ORGANIZATION);
        members.removeMember(access, Validation.uuid("user", user));
        return Response.noContent().build();
    }
}
