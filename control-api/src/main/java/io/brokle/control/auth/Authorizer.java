package io.brokle.control.auth;

import io.brokle.control.api.ApiException;
import io.brokle.control.core.Membership;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Role;
import io.brokle.control.db.MembershipDao;
import io.brokle.control.db.OrganizationDao;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * The one place that decides whether a caller may act in an organization. Every management
 * endpoint that touches a tenant calls {@link #require} first:
 *
 * <pre>{@code
 * Access access = authorizer.require(caller, orgSlug, Permission.MANAGE_KEYS);
 * authorizer.requireGrantable(access, requestedRole);   // e.g. a key no broader than the caller
 * }</pre>
 *
 * <p>A caller who is not a member gets 404 whether or not the organization exists, so nothing
 * leaks across tenants; a member without the permission gets 403 naming the role it needs.
 */
public final class Authorizer {
    /** A caller's standing in one organization, after a successful check. */
    public record Access(UserPrincipal caller, Organization organization, Role role) {
        public UUID organizationId() {
            return organization.id();
        }
    }

    private final OrganizationDao organizations;
    private final MembershipDao memberships;

    public Authorizer(Jdbi jdbi) {
        this.organizations = jdbi.onDemand(OrganizationDao.class);
        this.memberships = jdbi.onDemand(MembershipDao.class);
    }

    /** The caller's access to the organization {@code slug} when its role has {@code permission}. */
    public Access require(UserPrincipal caller, String slug, Permission permission) {
        Optional<Organization> organization = slug == null ? Optional.empty() : organizations.findBySlug(slug);
        return check(caller, organization, "organization not found: " + slug, permission);
    }

    /** As {@link #require(UserPrincipal, String, Permission)}, by organization id. */
    public Access require(UserPrincipal caller, UUID organizationId, Permission permission) {
        return check(caller, organizations.findById(organizationId), "organization not found: " + organizationId,
                permission);
    }

    /**
     * Refuses (403) to give anyone or anything a role above the caller's own: an invitation, a
     * role change, a key's scope. Only owners grant owner.
     */
    public void requireGrantable(Access access, Role granted) {
        if (!access.role().atLeast(granted)) {
            throw ApiException.forbidden("granting the " + granted + " role needs the " + granted
                    + " role or higher; your role in " + access.organization().slug() + " is " + access.role());
        }
    }

    /**
     * Refuses (403) a change of {@code target}'s role to {@code newRole} (null for removal): the
     * caller may manage only members whose role is not above its own, may grant only up to its own
     * role, and may not raise its own role. The last-owner rule is the service's, inside its
     * transaction.
     */
    public void requireMemberChange(Access access, Membership target, Role newRole) {
        boolean self = target.userId().equals(access.caller().userId());
        if (self && newRole != null && newRole.compareTo(target.role()) > 0) {
            throw ApiException.forbidden("nobody can raise their own role");
        }
        if (self) {
            return; // lowering one's own role, or leaving, needs no more than membership
        }
        if (!access.role().atLeast(Permission.MANAGE_MEMBERS.leastRole())) {
            throw denied(access, Permission.MANAGE_MEMBERS);
        }
        if (!access.role().atLeast(target.role())) {
            throw ApiException.forbidden("changing a member with the " + target.role() + " role needs the "
                    + target.role() + " role; your role in " + access.organization().slug() + " is " + access.role());
        }
        if (newRole != null) {
            requireGrantable(access, newRole);
        }
    }

    private Access check(UserPrincipal caller, Optional<Organization> organization, String notFound,
                         Permission permission) {
        Optional<Membership> membership = organization.flatMap(o -> memberships.find(o.id(), caller.userId()));
        if (membership.isEmpty()) {
            throw ApiException.notFound(notFound);
        }
        Access access = new Access(caller, organization.get(), membership.get().role());
        if (!access.role().atLeast(permission.leastRole())) {
            throw denied(access, permission);
        }
        return access;
    }

    private static ApiException denied(Access access, Permission permission) {
        return ApiException.forbidden(permission.name().toLowerCase(Locale.ROOT) + " needs the "
                + permission.leastRole() + " role or higher; your role in " + access.organization().slug()
                + " is " + access.role());
    }
}
