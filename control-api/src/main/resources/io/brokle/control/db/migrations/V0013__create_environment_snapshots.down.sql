drop table environment_snapshots;
