-- Issue 13: number-assignments carry a messaging state; every service's copy (service-kit's AssignmentTable) keeps it.
alter table number_assignment add column messaging varchar(32);
