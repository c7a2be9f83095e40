-- Provider accounts of an environment.
--
-- kind                  a provider kind of the config module (openai, azure, mock, ...); checked
--                       by the application, so a new kind needs no migration
-- base_url              null for kinds with a built-in endpoint (mock)
-- encrypted_credential  the API key encrypted under the master key from the environment;
--                       null when the provider needs none (vLLM, Ollama). Never plaintext.

create table providers (
    id                   uuid primary key,
    environment_id       uuid not null,
    name                 varchar(100) not null,
    kind                 varchar(32) not null,
    base_url             varchar(2048),
    encrypted_credential bytea,
    created_at           timestamp with time zone not null default current_timestamp,
    constraint providers_environment_fk foreign key (environment_id) references environments (id),
    constraint providers_name_unique unique (environment_id, name)
);
