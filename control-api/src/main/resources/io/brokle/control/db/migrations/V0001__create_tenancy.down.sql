drop table environments;
drop table projects;
drop table organizations;
