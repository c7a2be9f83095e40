-- The snapshot version of each environment (snapshot.EnvironmentChanges): every committed
-- change to an environment's keys, providers, deployments or routes adds one, in the same
-- transaction, so a proxy that long-polls for "newer than N" never misses a change. The update
-- that bumps it also locks the row, which puts concurrent changes to one environment in order.
-- No row: version 0, nothing changed yet.

create table environment_snapshots (
    environment_id uuid primary key,
    version        bigint not null,
    updated_at     timestamp with time zone not null default current_timestamp,
    constraint environment_snapshots_environment_fk foreign key (environment_id) references environments (id)
);
