-- The pumping guard (issue 32): each message records whether its recipient was new to the workspace (never wrote in,
-- never written to before the guard's window) and the recipient's number range, so a burst to many new recipients in
-- one range is counted with an index, under the workspace's allowance lock.
alter table message add column recipient_range text;
alter table message add column new_recipient boolean not null default false;
create index message_new_recipients on message (workspace_id, recipient_range, created_at) where new_recipient;
-- "written to before": also what the Starter cap's per-workspace sums scan
create index message_workspace_recipient on message (workspace_id, to_number, created_at);
create index message_held_for_review on message (created_at, id) where held_reason = 'held_for_review' and status = 'QUEUED';
