-- service-kit's AssignmentTable looks a workspace's numbers up by workspace (inboxes, senders)
create index number_assignment_workspace on number_assignment (workspace_id);
