drop table routes;
drop table deployments;
