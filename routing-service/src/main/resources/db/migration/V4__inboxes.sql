-- Every number's label is its inbox (issue 12). A conversation keeps the inbox of the number it came through, and
-- follows that number when it is relabelled; existing conversations take their number's current label, and those
-- on the shared number (or on a number no longer assigned) the first inbox, Main.
alter table conversation add column inbox text;
update conversation c set inbox = coalesce(
    (select a.label from number_assignment a where a.e164 = c.our_number and a.workspace_id = c.workspace_id and not a.shared),
    'Main');
alter table conversation alter column inbox set not null;
create index conversation_inbox on conversation (workspace_id, lower(inbox), last_message_at desc);
create index conversation_contact on conversation (workspace_id, contact);

-- Unread: the newest inbound message is after the moment the conversation was last read (never read: unread).
alter table conversation add column last_inbound_at timestamptz;
alter table conversation add column last_read_at timestamptz;
update conversation c set last_inbound_at =
    (select max(m.occurred_at) from conversation_message m where m.conversation_id = c.id and m.direction = 'INBOUND');
-- history from before inboxes existed counts as read: only what arrives from now on is unread
update conversation set last_read_at = last_inbound_at;
