package io.brokle.control.service;

import io.brokle.control.api.ApiException;
import io.brokle.control.api.Views.InvitationView;
import io.brokle.control.api.Views.MemberView;
import io.brokle.control.api.Views.OrganizationView;
import io.brokle.control.audit.AuditChange.Actor;
import io.brokle.control.audit.AuditChange;
import io.brokle.control.audit.AuditLog;
import io.brokle.control.auth.Authorizer.Access;
import io.brokle.control.auth.Authorizer;
import io.brokle.control.auth.Secrets;
import io.brokle.control.auth.UserPrincipal;
import io.brokle.control.core.Invitation;
import io.brokle.control.core.Membership;
import io.brokle.control.core.Organization;
import io.brokle.control.core.Role;
import io.brokle.control.db.InvitationDao;
import io.brokle.control.db.MembershipDao;
import io.brokle.control.db.OrganizationDao;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Members of an organization and invitations to become one. Role rules are the
 * {@link Authorizer}'s; the rule that an organization keeps at least one owner is checked here,
 * inside the transaction that would break it.
 */
public final class MemberService {
    /** Invitation tokens start with this, so a leaked one is recognisable. */
    public static final String INVITATION_PREFIX = "bri_";

    private final Jdbi jdbi;
    private final Authorizer authorizer;
    private final Secrets secrets;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration invitationTtl;

    public MemberService(Jdbi jdbi, Authorizer authorizer, Secrets secrets, AuditLog audit, Clock clock,
                         Duration invitationTtl) {
        this.jdbi = jdbi;
        this.authorizer = authorizer;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.invitationTtl = invitationTtl;
    }

    public List<MemberView> listMembers(Access access) {
        return jdbi.onDemand(MembershipDao.class).listByOrganization(access.organizationId()).stream()
                .map(MemberView::of).toList();
    }

    /** Changes a member's role; 404 for a non-member, 403 by the role rules, 409 for the last owner. */
    public MemberView changeRole(Access access, UUID userId, Role role) {
        return jdbi.inTransaction(h -> {
            MembershipDao memberships = h.attach(MembershipDao.class);
            Membership before = member(memberships, access, userId);
            authorizer.requireMemberChange(access, before, role);
            if (before.role() == Role.OWNER && role != Role.OWNER && memberships.lockOwners(access.organizationId()).size() <= 1) {
                throw ApiException.conflict("role", "the last owner of " + access.organization().slug()
                        + " cannot be demoted: make another member owner first");
            }
            memberships.updateRole(access.organizationId(), userId, role);
            Membership after = new Membership(before.userId(), before.organizationId(), before.email(), role,
                    before.createdAt());
            audit.record(h, AuditChange.by(Actor.user(access.caller()), "member.update", "member", userId)
                    .in(access.organizationId(), null, null).before(MemberView.of(before)).after(MemberView.of(after)));
            return MemberView.of(after);
        });
    }

    /** Removes a member (or the caller leaves); the last owner cannot. */
    public void removeMember(Access access, UUID userId) {
        jdbi.useTransaction(h -> {
            MembershipDao memberships = h.attach(MembershipDao.class);
            Membership before = member(memberships, access, userId);
            authorizer.requireMemberChange(access, before, null);
            if (before.role() == Role.OWNER && memberships.lockOwners(access.organizationId()).size() <= 1) {
                throw ApiException.conflict(null, "the last owner of " + access.organization().slug()
                        + " cannot be removed: make another member owner first");
            }
            memberships.delete(access.organizationId(), userId);
            audit.record(h, AuditChange.by(Actor.user(access.caller()), "member.delete", "member", userId)
                    .in(access.organizationId(), null, null).before(MemberView.of(before)));
        });
    }

    public List<InvitationView> listInvitations(Access access) {
        Instant now = clock.instant();
        return jdbi.onDemand(InvitationDao.class).listByOrganization(access.organizationId()).stream()
                .map(i -> InvitationView.of(i, now, null)).toList();
    }

    /**
     * A new invitation; its token is in this answer only. 403 for a role above the caller's, 409
     * when the email belongs to a member already.
     */
    public InvitationView invite(Access access, String email, Role role) {
        authorizer.requireGrantable(access, role);
        String token = secrets.newSecret(INVITATION_PREFIX);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Invitation invitation = new Invitation(UUID.randomUUID(), access.organizationId(), email, role,
                Secrets.sha256(token), access.caller().userId(), now, now.plus(invitationTtl), null, null);
        jdbi.useTransaction(h -> {
            boolean member = h.attach(MembershipDao.class).listByOrganization(access.organizationId()).stream()
                    .anyMatch(m -> email.equals(m.email()));
            if (member) {
                throw ApiException.conflict("email", "email: " + email + " is a member of "
                        + access.organization().slug() + " already");
            }
            h.attach(InvitationDao.class).insert(invitation);
            audit.record(h, AuditChange.by(Actor.user(access.caller()), "invitation.create", "invitation",
                    invitation.id()).in(access.organizationId(), null, null)
                    .after(InvitationView.of(invitation, now, null)));
        });
        return InvitationView.of(invitation, now, token);
    }

    /** Revokes an open invitation; 404 for another organization's, 409 once it has ended. */
    public InvitationView revoke(Access access, UUID invitationId) {
        return jdbi.inTransaction(h -> {
            InvitationDao invitations = h.attach(InvitationDao.class);
            Invitation before = invitations.findById(invitationId)
                    .filter(i -> i.organizationId().equals(access.organizationId()))
                    .orElseThrow(() -> ApiException.notFound("invitation not found: " + invitationId));
            Instant now = clock.instant();
            if (invitations.revoke(invitationId, now) != 1) {
                throw ApiException.conflict(null, "the invitation is " + before.stateAt(now) + " already");
            }
            Invitation after = invitations.findById(invitationId).orElseThrow();
            audit.record(h, AuditChange.by(Actor.user(access.caller()), "invitation.revoke", "invitation",
                    invitationId).in(access.organizationId(), null, null)
                    .before(InvitationView.of(before, now, null)).after(InvitationView.of(after, now, null)));
            return InvitationView.of(after, now, null);
        });
    }

    /**
     * Makes the caller a member with the invitation's role. 404 for an unknown token, 403 when the
     * caller's email is not the invited one, 409 when the invitation has ended or the caller is a
     * member already.
     */
    public OrganizationView accept(UserPrincipal caller, String token) {
        return jdbi.inTransaction(h -> {
            InvitationDao invitations = h.attach(InvitationDao.class);
            Invitation invitation = invitations.findByTokenHash(Secrets.sha256(token))
                    .orElseThrow(() -> ApiException.notFound("invitation not found"));
            if (!invitation.email().equals(caller.email())) {
                throw ApiException.forbidden("this invitation is for another email address");
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            MembershipDao memberships = h.attach(MembershipDao.class);
            if (memberships.find(invitation.organizationId(), caller.userId()).isPresent()) {
                throw ApiException.conflict("token", "you are a member of this organization already");
            }
            if (invitations.accept(invitation.id(), now) != 1) {
                throw ApiException.conflict("token", "the invitation is " + invitation.stateAt(now));
            }
            memberships.insert(caller.userId(), invitation.organizationId(), invitation.role(), now);
            Membership member = memberships.find(invitation.organizationId(), caller.userId()).orElseThrow();
            audit.record(h, AuditChange.by(Actor.user(caller), "member.create", "member", caller.userId())
                    .in(invitation.organizationId(), null, null)
                    .after(Map.of("member", MemberView.of(member), "invitation_id", invitation.id())));
            Organization organization = h.attach(OrganizationDao.class).findById(invitation.organizationId())
                    .orElseThrow();
            return OrganizationView.of(organization, invitation.role());
        });
    }

    private static Membership member(MembershipDao memberships, Access access, UUID userId) {
        return memberships.find(access.organizationId(), userId)
                .orElseThrow(() -> ApiException.notFound("member not found: " + userId));
    }
}
