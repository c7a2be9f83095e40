-- The first statement works, the second fails: the version must end up dirty.
create table gadgets (id bigint primary key);
insert into no_such_table (id) values (1);
