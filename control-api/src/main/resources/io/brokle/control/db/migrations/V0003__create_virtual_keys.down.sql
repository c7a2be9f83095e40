drop table virtual_keys;
