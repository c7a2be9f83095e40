drop index audit_log_organization_action_idx;
alter table audit_log drop column environment_id;
alter table audit_log drop column project_id;
alter table audit_log drop column target_type;
alter table audit_log drop column actor_id;
