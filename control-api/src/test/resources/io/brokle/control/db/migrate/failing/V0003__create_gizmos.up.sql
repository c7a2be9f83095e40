create table gizmos (id bigint primary key);
