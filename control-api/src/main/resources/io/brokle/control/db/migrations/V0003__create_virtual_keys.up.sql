-- Virtual keys: shown once, stored only as a keyed hash (ARCHITECTURE.md, "Isolation and secrets").
--
-- key_hash        HMAC-SHA-256 of the key under the pepper, 64 lower-case hex digits
-- display_prefix  the first characters of the key, enough to recognise it in a list
-- allowed_models  JSON array of public model names; [] means every model
-- metadata        JSON object, the caller's own annotations
-- tags            JSON array of strings
-- created_by      the user who made it; kept (as null) when that user is deleted
-- JSON lives in text columns: jsonb and H2's JSON type differ, and nothing queries inside it.

create table virtual_keys (
    id             uuid primary key,
    environment_id uuid not null,
    key_hash       varchar(64) not null,
    display_prefix varchar(16) not null,
    name           varchar(200) not null,
    allowed_models text not null default '[]',
    metadata       text not null default '{}',
    tags           text not null default '[]',
    expires_at     timestamp with time zone,
    revoked_at     timestamp with time zone,
    created_at     timestamp with time zone not null default current_timestamp,
    created_by     uuid,
    constraint virtual_keys_key_hash_unique unique (key_hash),
    constraint virtual_keys_environment_fk foreign key (environment_id) references environments (id),
    constraint virtual_keys_created_by_fk foreign key (created_by) references users (id) on delete set null
);

create index virtual_keys_environment_idx on virtual_keys (environment_id);
