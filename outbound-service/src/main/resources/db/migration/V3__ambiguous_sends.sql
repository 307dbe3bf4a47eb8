-- Set when a send's outcome is unknown (no answer, a 5xx, a lost commit of the sid, a crash mid-request): before
-- such a message is sent again, SignalWire is asked whether it already has it.
alter table message add column ambiguous_since timestamptz;
