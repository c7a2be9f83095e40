-- Invitations to join an organization with a role.
--
-- The token is shown once to whoever invites; only its SHA-256 (64 lower-case hex digits) is
-- kept. The invited person accepts it while logged in with the invited email (stored lower-cased).
-- An invitation ends accepted, revoked or expired; ended ones stay as a record.

create table invitations (
    id              uuid primary key,
    organization_id uuid not null,
    email           varchar(320) not null,
    role            varchar(16) not null,
    token_hash      varchar(64) not null,
    invited_by      uuid,
    created_at      timestamp with time zone not null,
    expires_at      timestamp with time zone not null,
    accepted_at     timestamp with time zone,
    revoked_at      timestamp with time zone,
    constraint invitations_token_hash_unique unique (token_hash),
    constraint invitations_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
    constraint invitations_invited_by_fk foreign key (invited_by) references users (id) on delete set null,
    constraint invitations_role_check check (role in ('owner', 'admin', 'developer', 'viewer'))
);

create index invitations_organization_idx on invitations (organization_id);
