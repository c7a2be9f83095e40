package io.brokle.control.resources;

import io.brokle.control.api.Requests;
import io.brokle.control.api.Validation;
import io.brokle.control.api.Views.InvitationView;
import io.brokle.control.api.Views.ListOf;
import io.brokle.control.auth.Authorizer;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.Permission;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.service.MemberService;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Invitations of an organization: {@code /api/v1/orgs/{org}/invitations[/{invitation}]} (admin).
 * The invited person accepts with {@code POST /api/v1/invitations/accept} ({@link AuthResource}).
 */
@Path("/api/v1/orgs/{org}/invitations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class InvitationResource {
    private final MemberService members;
    private final Authorizer authorizer;

    public InvitationResource(MemberService members, Authorizer authorizer) {
        this.members = members;
        this.authorizer = authorizer;
    }

    @GET
    public ListOf<InvitationView> list(@Auth UserPrincipal caller, @PathParam("org") String org) {
        return ListOf.of(members.listInvitations(authorizer.require(caller, org, Permission.MANAGE_MEMBERS)));
    }

    /** A new invitation; the answer carries its token, the only time it is shown. */
    @POST
    public Response invite(@Auth UserPrincipal caller, @PathParam("org") String org, Requests.CreateInvitation body) {
        Access access = authorizer.require(caller, org, Permission.MANAGE_MEMBERS);
        Validation.body(body);
        String email = Validation.email("email", body.email());
        InvitationView invitation = members.invite(access, email, Validation.role("role", body.role()));
        return Response.status(201).entity(invitation).header("Cache-Control", "no-store").build();
    }

    @DELETE
    @Path("{invitation}")
    public InvitationView revoke(@Auth UserPrincipal caller, @PathParam("org") String org,
                                 @PathParam("invitation") String invitation) {
        Access access = authorizer.require(caller, org, Permission.MANAGE_MEMBERS);
        return members.revoke(access, Validation.uuid("invitation", invitation));
    }
}
