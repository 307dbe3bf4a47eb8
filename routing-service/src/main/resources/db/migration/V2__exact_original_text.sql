-- Text PostgreSQL cannot hold (U+0000) is stored with U+FFFD in body; the exact text as received is kept here as
-- UTF-8, only for the rows where the two differ (see ai.galaxyco.phone.model.values.MessageText).
alter table conversation_message add column body_original bytea;
alter table unrouted_message add column body_original bytea;
