-- People and their roles in organizations.
--
-- Emails are stored lower-cased by the application: H2 has no index on an expression, so
-- unique(lower(email)) is not available on both databases.

create table users (
    id            uuid primary key,
    email         varchar(320) not null,
    password_hash varchar(255) not null,
    created_at    timestamp with time zone not null default current_timestamp,
    constraint users_email_unique unique (email)
);

-- A membership is only a link: it goes with its user or its organization.
create table memberships (
    user_id         uuid not null,
    organization_id uuid not null,
    role            varchar(16) not null,
    created_at      timestamp with time zone not null default current_timestamp,
    constraint memberships_pk primary key (user_id, organization_id),
    constraint memberships_user_fk foreign key (user_id) references users (id) on delete cascade,
    constraint memberships_organization_fk foreign key (organization_id) references organizations (id) on delete cascade,
    constraint memberships_role_check check (role in ('owner', 'admin', 'developer', 'viewer'))
);

create index memberships_organization_idx on memberships (organization_id);
