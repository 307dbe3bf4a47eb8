-- routing-service owns these tables; no other service reads them.

-- Its own copy of the compacted number-assignments topic (key = the topic's record key).
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

create table conversation (
    id              uuid primary key,
    workspace_id    text        not null,
    contact         text        not null,
    our_number      text        not null,
    channel         text        not null,
    created_at      timestamptz not null,
    last_message_at timestamptz not null,
    unique (workspace_id, our_number, contact, channel)
);
create index conversation_workspace on conversation (workspace_id, last_message_at desc);

create table conversation_message (
    id              bigserial primary key,
    conversation_id uuid        not null references conversation (id),
    direction       text        not null, -- INBOUND | OUTBOUND
    provider_sid    text unique,          -- SignalWire MessageSid: the same webhook three times is one row
    outbound_id     text unique,          -- outbound-service's message id
    body            text,
    media           text,                 -- JSON array of {url, contentType}
    status          text,
    occurred_at     timestamptz not null,
    created_at      timestamptz not null
);
create index conversation_message_thread on conversation_message (conversation_id, occurred_at, id);

-- Inbound messages no workspace could be found for: kept, counted and listed, never dropped.
create table unrouted_message (
    id           bigserial primary key,
    provider_sid text unique not null,
    from_number  text        not null,
    to_number    text        not null,
    channel      text        not null,
    body         text,
    reason       text        not null,
    received_at  timestamptz not null
);

-- Who last wrote to a contact from the shared platform number: replies go to that workspace.
create table shared_number_attribution (
    our_number   text        not null,
    contact      text        not null,
    workspace_id text        not null,
    last_sent_at timestamptz not null,
    primary key (our_number, contact)
);

-- Opt-out state per (our number, contact); a STOP to the shared number stops every workspace on it.
create table consent (
    our_number text        not null,
    contact    text        not null,
    opted_out  boolean     not null,
    keyword    text        not null,
    updated_at timestamptz not null,
    primary key (our_number, contact)
);

create table inbound_call (
    id            bigserial primary key,
    call_sid      text        not null,
    disposition   text        not null,
    workspace_id  text,
    from_number   text        not null,
    to_number     text        not null,
    forwarded_to  text,
    recording_url text,
    recording_seconds int,
    received_at   timestamptz not null,
    unique (call_sid, disposition)
);

-- outbox_event and processed_event come from the service kit (db/kit).
