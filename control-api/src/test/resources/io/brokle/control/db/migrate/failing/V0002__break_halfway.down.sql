drop table gadgets;
