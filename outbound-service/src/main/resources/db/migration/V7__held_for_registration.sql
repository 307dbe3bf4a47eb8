-- Issue 13: a number's messaging state travels on number-assignments; messages from a number that may not send yet
-- (10DLC registration, toll-free verification) wait QUEUED with a reason instead of being refused by carriers.
alter table number_assignment add column messaging varchar(32);
alter table message add column held_reason varchar(64);
create index message_held on message (from_number, created_at) where held_reason is not null and status = 'QUEUED';
