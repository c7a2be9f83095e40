-- The audit log learns who acted by id and where inside the tenant the change happened.
--
-- actor_id        the user who acted (actor keeps their email as it was then); null for keys
--                 and 'system'. No foreign key: the log outlives the people in it.
-- target_type     the part of target before ':' (organization, project, member, ...), for
--                 filtering without a LIKE
-- project_id, environment_id  the tenant path below the organization, when the change has one

alter table audit_log add column actor_id uuid;
alter table audit_log add column target_type varchar(32);
alter table audit_log add column project_id uuid;
alter table audit_log add column environment_id uuid;

create index audit_log_organization_action_idx on audit_log (organization_id, action);
