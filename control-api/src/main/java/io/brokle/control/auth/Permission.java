package io.brokle.control.auth;

import io.brokle.control.core.Role;

/**
 * What a caller may do in an organization, each with the least role that grants it. Resources
 * ask {@link Authorizer#require} for one; the table lives here, in one place.
 */
public enum Permission {
    /** See the organization, its projects, environments and members. */
    READ_ORGANIZATION(Role.VIEWER),
    /** See virtual keys (never their secrets), providers (never their credentials) and routes. */
    READ_CONFIGURATION(Role.VIEWER),
    /**
     * Create, change, revoke and rotate virtual keys, within the caller's own scope: a key
     * belongs to one environment of the caller's organization, may be limited to that
     * environment's routes only, and carries no role, so it never reaches further than its maker.
     */
    MANAGE_KEYS(Role.DEVELOPER),
    /** Rename the organization. */
    MANAGE_ORGANIZATION(Role.ADMIN),
    /** Create, rename and delete projects and environments. */
    MANAGE_PROJECTS(Role.ADMIN),
    /** Invite members, change roles (up to the caller's own), remove members. */
    MANAGE_MEMBERS(Role.ADMIN),
    /** Add, change and remove provider accounts and their credentials. */
    MANAGE_PROVIDERS(Role.ADMIN),
    /** Change routes, deployments, limits and budgets. */
    MANAGE_ROUTES(Role.ADMIN),
    /** Read the audit log. */
    READ_AUDIT(Role.ADMIN);

    private final Role least;

    Permission(Role least) {
        this.least = least;
    }

    /** The least role that has this permission. */
    public Role leastRole() {
        return least;
    }
}
