-- Deployments (one model at one provider) and routes (a public model name served by
-- deployments) of an environment (routes.RouteService). The service checks every change by
-- building the environment's whole snapshot with the config module's validator, so the
-- database holds only what a YAML file could hold.
--
-- price        JSON price override {input, cachedInput, cacheWrite, output, reasoning} in USD per
--              1M tokens as decimal strings; null: the price table
-- timeouts     JSON {connect, firstByte, idle, total}; null: the provider's
-- deployments  JSON array of deployment names, in the route's order
-- fallbacks    JSON array of public model names of other routes
-- A provider with deployments cannot be deleted (deployments_provider_fk).

create table deployments (
    id             uuid primary key,
    environment_id uuid not null,
    name           varchar(100) not null,
    provider_id    uuid not null,
    model          varchar(200) not null,
    weight         integer not null default 1,
    price          text,
    timeouts       text,
    created_at     timestamp with time zone not null default current_timestamp,
    updated_at     timestamp with time zone,
    updated_by     uuid,
    constraint deployments_environment_fk foreign key (environment_id) references environments (id),
    constraint deployments_provider_fk foreign key (provider_id) references providers (id),
    constraint deployments_updated_by_fk foreign key (updated_by) references users (id) on delete set null,
    constraint deployments_name_unique unique (environment_id, name)
);

create table routes (
    id             uuid primary key,
    environment_id uuid not null,
    model          varchar(200) not null,
    deployments    text not null,
    strategy       varchar(32) not null default 'weighted',
    fallbacks      text not null default '[]',
    max_attempts   integer not null default 3,
    created_at     timestamp with time zone not null default current_timestamp,
    updated_at     timestamp with time zone,
    updated_by     uuid,
    constraint routes_environment_fk foreign key (environment_id) references environments (id),
    constraint routes_updated_by_fk foreign key (updated_by) references users (id) on delete set null,
    constraint routes_model_unique unique (environment_id, model)
);
