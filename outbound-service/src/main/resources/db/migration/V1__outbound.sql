-- outbound-service owns these tables; no other service reads them.

-- Which numbers each workspace may send from (its copy of the compacted number-assignments topic).
create table sender_number (
    assignment_key text primary key,
    e164           text        not null,
    workspace_id   text        not null,
    label          text        not null,
    shared         boolean     not null,
    updated_at     timestamptz not null
);
create index sender_number_workspace on sender_number (workspace_id);

-- The latest provisioning state per workspace, to explain a 409 ("provisioning still running").
create table workspace_provisioning (
    workspace_id text primary key,
    status       text        not null,
    error        text,
    updated_at   timestamptz not null
);

-- Opt-outs per (our number, contact), from routing's consent events and from SignalWire's 21610.
create table opt_out (
    our_number text        not null,
    contact    text        not null,
    opted_out  boolean     not null,
    source     text        not null,
    updated_at timestamptz not null,
    primary key (our_number, contact)
);

create table message (
    id              uuid primary key,
    workspace_id    text        not null,
    idempotency_key text,
    from_number     text        not null,
    from_shared     boolean     not null,
    to_number       text        not null,
    body            text,
    media_urls      text,               -- JSON array
    -- QUEUED | SENDING | SENT | DELIVERED | UNDELIVERED | FAILED
    status          text        not null,
    provider_status text,
    error_code      text,
    error_message   text,
    segments        int         not null,
    provider_sid    text unique,
    price           numeric(12, 5),
    price_unit      text,
    attempts        int         not null default 0,
    next_attempt_at timestamptz,
    created_at      timestamptz not null,
    updated_at      timestamptz not null,
    sending_started_at timestamptz,
    unique (workspace_id, idempotency_key)
);
create index message_due on message (from_number, created_at) where status = 'QUEUED';
create index message_sending on message (sending_started_at) where status = 'SENDING' and provider_sid is null;

-- Status callbacks as they arrived; one that arrives before its message's sid is recorded waits here.
create table status_report (
    id           bigserial primary key,
    provider_sid text        not null,
    status       text        not null,
    error_code   text,
    reported_at  timestamptz not null,
    applied      boolean     not null default false
);
create index status_report_sid on status_report (provider_sid) where not applied;

-- outbox_event and processed_event come from the service kit (db/kit).
