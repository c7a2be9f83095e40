-- Who changed what, with the value before and after (JSON, secrets left out by the writer).
--
-- actor            a user's email, a key id or 'system'
-- action           e.g. virtual_key.create, provider.update
-- target           e.g. virtual_key:<uuid>
-- organization_id  the tenant the change belongs to, null for instance-wide changes; no
--                  foreign key, because the log outlives what it describes

create table audit_log (
    id              uuid primary key,
    organization_id uuid,
    actor           varchar(320) not null,
    action          varchar(64) not null,
    target          varchar(200) not null,
    before_json     text,
    after_json      text,
    at              timestamp with time zone not null default current_timestamp
);

create index audit_log_organization_at_idx on audit_log (organization_id, at);
create index audit_log_at_idx on audit_log (at);
