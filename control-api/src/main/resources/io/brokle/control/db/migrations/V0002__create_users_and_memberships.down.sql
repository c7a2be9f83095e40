drop table memberships;
drop table users;
