-- Virtual keys as the key service manages them (keys.KeyService).
--
-- rotated_at   when the key was rotated; its expires_at then became the end of the grace period
-- replaced_by  the key that replaced it on rotation; null when not rotated
-- updated_at   the last change (name, models, metadata, tags, expiry, revocation, rotation)
-- updated_by   the user who made it; kept (as null) when that user is deleted

alter table virtual_keys add column rotated_at timestamp with time zone;
alter table virtual_keys add column replaced_by uuid;
alter table virtual_keys add column updated_at timestamp with time zone;
alter table virtual_keys add column updated_by uuid;
alter table virtual_keys add constraint virtual_keys_replaced_by_fk foreign key (replaced_by) references virtual_keys (id);
alter table virtual_keys add constraint virtual_keys_updated_by_fk foreign key (updated_by) references users (id) on delete set null;
