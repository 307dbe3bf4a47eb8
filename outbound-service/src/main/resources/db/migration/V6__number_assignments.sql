-- The copy of number-assignments now has the same table in every consuming service (service-kit's AssignmentTable):
-- sender_number's rows move over unchanged (provider sid and forwarding were never kept here; the next record of
-- each key fills them).
create table number_assignment (
    assignment_key text primary key,
    e164           text        not null,
    workspace_id   text        not null,
    label          text        not null,
    shared         boolean     not null,
    provider_sid   text,
    forward_to     text,
    updated_at     timestamptz not null
);
create index number_assignment_e164 on number_assignment (e164);
create index number_assignment_workspace on number_assignment (workspace_id);
insert into number_assignment (assignment_key, e164, workspace_id, label, shared, updated_at)
select assignment_key, e164, workspace_id, label, shared, updated_at from sender_number;
drop table sender_number;
