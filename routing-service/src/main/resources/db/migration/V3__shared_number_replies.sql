-- When the contact last replied to the attributed workspace through the shared number: while that is within the
-- reply TTL, another workspace's message does not take the contact away.
alter table shared_number_attribution add column last_reply_at timestamptz;
