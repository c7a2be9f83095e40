drop table gizmos;
