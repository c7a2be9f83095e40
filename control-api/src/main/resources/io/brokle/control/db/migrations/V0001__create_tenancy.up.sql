-- Tenancy: organization -> project -> environment (ARCHITECTURE.md, "Isolation and secrets").
--
-- Every migration runs unchanged on PostgreSQL 15+ and on H2 2.x in PostgreSQL mode
-- (MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH), so it keeps to the
-- types both have: uuid, varchar, text (H2 reads it as varchar in this mode), bytea, boolean,
-- bigint, timestamp with time zone.
--
-- Ids are UUIDs made by the application, not database sequences: an id exists before its row
-- (a service can write the audit entry and publish the snapshot that mention it in the same
-- transaction), ids in URLs and snapshots reveal neither counts nor neighbours across
-- tenants, and rows can move between databases (H2 to PostgreSQL, one region to another)
-- without renumbering. Write rates here are tiny, so random keys cost nothing that matters.
--
-- Constraints are named, so the application can tell which rule a write broke on either
-- database. Deleting a parent with children is refused (the default), so removing a tenant
-- is a deliberate, audited operation rather than a cascade.

create table organizations (
    id         uuid primary key,
    slug       varchar(63) not null,
    name       varchar(200) not null,
    created_at timestamp with time zone not null default current_timestamp,
    constraint organizations_slug_unique unique (slug)
);

create table projects (
    id              uuid primary key,
    organization_id uuid not null,
    slug            varchar(63) not null,
    name            varchar(200) not null,
    created_at      timestamp with time zone not null default current_timestamp,
    constraint projects_organization_fk foreign key (organization_id) references organizations (id),
    constraint projects_slug_unique unique (organization_id, slug)
);

create table environments (
    id         uuid primary key,
    project_id uuid not null,
    name       varchar(63) not null,
    created_at timestamp with time zone not null default current_timestamp,
    constraint environments_project_fk foreign key (project_id) references projects (id),
    constraint environments_name_unique unique (project_id, name)
);
