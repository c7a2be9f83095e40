alter table virtual_keys drop constraint virtual_keys_updated_by_fk;
alter table virtual_keys drop constraint virtual_keys_replaced_by_fk;
alter table virtual_keys drop column updated_by;
alter table virtual_keys drop column updated_at;
alter table virtual_keys drop column replaced_by;
alter table virtual_keys drop column rotated_at;
