package io.brokle.control.resources;

import io.brokle.control.api.Requests;
import io.brokle.control.api.Validation;
import io.brokle.control.api.ApiException;
import io.brokle.control.api.Views.Me;
import io.brokle.control.api.Views.OrganizationView;
import io.brokle.control.api.Views.Tokens;
import io.brokle.control.api.Views.UserView;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.service.AccountService;
import io.brokle.control.service.MemberService;
import io.dropwizard.auth.Auth;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The caller's own account: {@code POST /api/v1/auth/signup|login|refresh|logout},
 * {@code GET /api/v1/me} and {@code POST /api/v1/invitations/accept}.
 *
 * <p>Resource roots must not be prefixes of one another's paths (JAX-RS picks the root with the
 * longest literal prefix and never tries another): hence {@code /api/v1} here and one root per
 * collection elsewhere ({@code /api/v1/orgs}, {@code /api/v1/orgs/{org}/members}, ...).
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AuthResource {
    private final AccountService accounts;
    private final MemberService members;
    private final boolean signupEnabled;

    public AuthResource(AccountService accounts, MemberService members, boolean signupEnabled) {
        this.accounts = accounts;
        this.members = members;
        this.signupEnabled = signupEnabled;
    }

    @POST
    @Path("auth/signup")
    public Response signup(Requests.Signup body) {
        Validation.body(body);
        String email = Validation.email("email", body.email());
        String password = Validation.newPassword("password", body.password());
        if (!signupEnabled) {
            throw ApiException.forbidden("sign-up is disabled on this server; ask an owner for an invitation");
        }
        UserView user = accounts.signup(email, password);
        return Response.status(201).entity(user).build();
    }

    @POST
    @Path("auth/login")
    public Response login(Requests.Login body, @Context HttpServletRequest request) {
        Validation.body(body);
        String email = Validation.email("email", body.email());
        String password = Validation.secret("password", body.password());
        return noStore(accounts.login(email, password, request.getRemoteAddr()));
    }

    @POST
    @Path("auth/refresh")
    public Response refresh(Requests.Refresh body) {
        Validation.body(body);
        return noStore(accounts.refresh(Validation.secret("refresh_token", body.refreshToken())));
    }

    /** Tokens must not be kept by caches (RFC 6749, section 5.1). */
    private static Response noStore(Tokens tokens) {
        return Response.ok(tokens).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("auth/logout")
    public Response logout(@Auth UserPrincipal caller) {
        accounts.logout(caller);
        return Response.noContent().build();
    }

    @GET
    @Path("me")
    public Me me(@Auth UserPrincipal caller) {
        return accounts.me(caller);
    }

    /** Accepts an invitation addressed to the caller's email: the caller joins its organization. */
    @POST
    @Path("invitations/accept")
    public OrganizationView acceptInvitation(@Auth UserPrincipal caller, Requests.AcceptInvitation body) {
        Validation.body(body);
        return members.accept(caller, Validation.secret("token", body.token()));
    }
}
