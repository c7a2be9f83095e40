-- Providers with everything the proxy's provider record needs (credentials.ProviderService).
--
-- api_version      Azure's api-version, Anthropic's anthropic-version; null for other kinds
-- enabled          false parks the provider: its deployments take no traffic
-- price_family     the price-table family; null: worked out from kind and base URL
-- timeouts         JSON {connect, firstByte, idle, total} as ISO-8601 durations; null: the defaults
-- mock_options     JSON for kind mock; null otherwise
-- credential_hint  the credential masked for display (sk-...abcd), never enough to use it
-- updated_by       the user who made the last change; kept (as null) when that user is deleted

alter table providers add column api_version varchar(64);
alter table providers add column enabled boolean not null default true;
alter table providers add column price_family varchar(32);
alter table providers add column timeouts text;
alter table providers add column mock_options text;
alter table providers add column credential_hint varchar(32);
alter table providers add column updated_at timestamp with time zone;
alter table providers add column updated_by uuid;
alter table providers add constraint providers_updated_by_fk foreign key (updated_by) references users (id) on delete set null;
