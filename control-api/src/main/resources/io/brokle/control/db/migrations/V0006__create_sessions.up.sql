-- Login sessions of the management API.
--
-- A session is what logout revokes: the short-lived access tokens it issues carry its id, and
-- every request checks that the session is still live. The refresh secret is never stored, only
-- its SHA-256 (64 lower-case hex digits); refreshing replaces it, so a stolen old secret is dead.
--
-- expires_at  the session's absolute end; a refresh does not extend it
-- revoked_at  set by logout (or an operator); a revoked session never comes back

create table sessions (
    id          uuid primary key,
    user_id     uuid not null,
    secret_hash varchar(64) not null,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    revoked_at  timestamp with time zone,
    constraint sessions_secret_hash_unique unique (secret_hash),
    constraint sessions_user_fk foreign key (user_id) references users (id) on delete cascade
);

create index sessions_user_idx on sessions (user_id);
